package coffer.engine.instance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppConsistencyJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AppConsistency read(String json, List<String> problems) throws Exception {
        JsonNode node = json == null ? null : JSON.readTree(json);
        return AppConsistencyJson.read(node, "appConsistent", (field, message) -> problems.add(field + ": " + message));
    }

    @Test
    void booleansAndAbsenceMeanOffOrTheDefaults() throws Exception {
        List<String> problems = new ArrayList<>();
        assertEquals(AppConsistency.off(), read(null, problems));
        assertEquals(AppConsistency.off(), read("null", problems));
        assertEquals(AppConsistency.off(), read("false", problems));
        assertEquals(AppConsistency.on(), read("true", problems));
        assertEquals(AppConsistency.on(), read("{}", problems));
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void theObjectSetsEachOptionAndReadsBackFromItsWrittenForm() throws Exception {
        List<String> problems = new ArrayList<>();
        AppConsistency read = read("{\"freezeFileSystems\": false, \"includeWriters\": false, \"scriptTimeoutSeconds\": 5}", problems);
        assertTrue(problems.isEmpty(), problems.toString());
        assertTrue(read.enabled());
        assertFalse(read.freezeFileSystems());
        assertFalse(read.includeWriters());
        assertEquals(Duration.ofSeconds(5), read.scriptTimeout());
        assertEquals(read, AppConsistencyJson.read(AppConsistencyJson.write(read), "x", (f, m) -> problems.add(m)));
        assertEquals("false", AppConsistencyJson.write(AppConsistency.off()).toString());
        assertEquals("{\"freezeFileSystems\":true,\"includeWriters\":true,\"scriptTimeoutSeconds\":60}",
                AppConsistencyJson.write(AppConsistency.on()).toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', textBlock = """
            "yes"                               # appConsistent: expected true, false or
            {"freezeFileSystems": "no"}         # appConsistent.freezeFileSystems: expected true or false, got "no"
            {"includeWriters": 1}               # appConsistent.includeWriters: expected true or false, got 1
            {"scriptTimeoutSeconds": 0}         # appConsistent.scriptTimeoutSeconds: expected a whole number of seconds from 1 to 3600, got 0
            {"scriptTimeoutSeconds": 3601}      # got 3601
            {"scriptTimeoutSeconds": 1.5}       # got 1.5
            {"freeze": true}                    # appConsistent.freeze: unknown field
            """)
    void badValuesAreNamedWithTheirField(String json, String expected) throws Exception {
        List<String> problems = new ArrayList<>();
        assertEquals(AppConsistency.off(), read(json, problems));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().contains(expected), problems.toString());
    }
}
