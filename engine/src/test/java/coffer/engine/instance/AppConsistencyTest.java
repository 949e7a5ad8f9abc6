package coffer.engine.instance;

import coffer.engine.error.CofferException;
import coffer.engine.operation.BackupInstance;
import coffer.engine.json.CofferJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON form of the application-consistency settings, as a backup request carries them. */
class AppConsistencyTest {
    private static AppConsistency read(String appConsistent) {
        String body = "{\"instance\": \"web\"" + (appConsistent == null ? "" : ", \"appConsistent\": " + appConsistent) + "}";
        return CofferJson.readObject(body, BackupInstance.class, "request body").appConsistent();
    }

    @Test
    void booleansAndAbsenceMeanOffOrTheDefaults() {
        assertEquals(AppConsistency.off(), read(null));
        assertEquals(AppConsistency.off(), read("null"));
        assertEquals(AppConsistency.off(), read("false"));
        assertEquals(AppConsistency.on(), read("true"));
        assertEquals(AppConsistency.on(), read("{}"));
    }

    @Test
    void theObjectSetsEachOptionAndReadsBackFromItsWrittenForm() {
        AppConsistency read = read("{\"freezeFileSystems\": false, \"includeWriters\": false, \"scriptTimeoutSeconds\": 5}");
        assertTrue(read.enabled());
        assertFalse(read.freezeFileSystems());
        assertFalse(read.includeWriters());
        assertEquals(Duration.ofSeconds(5), read.scriptTimeout());
        assertEquals(read, read(CofferJson.text(read)));
        assertEquals("false", CofferJson.text(AppConsistency.off()));
        assertEquals("{\"freezeFileSystems\":true,\"includeWriters\":true,\"scriptTimeoutSeconds\":60}",
                CofferJson.text(AppConsistency.on()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', textBlock = """
            "yes"                               # appConsistent: expected true, false or
            {"freezeFileSystems": "no"}         # field 'appConsistent.freezeFileSystems': expected true or false
            {"includeWriters": 1}               # field 'appConsistent.includeWriters': expected true or false
            {"scriptTimeoutSeconds": 0}         # appConsistent.scriptTimeoutSeconds: expected a whole number of seconds from 1 to 3600, got 0
            {"scriptTimeoutSeconds": 3601}      # got 3601
            {"scriptTimeoutSeconds": 1.5}       # field 'appConsistent.scriptTimeoutSeconds': expected a whole number
            {"freeze": true}                    # appConsistent.freeze: unknown field
            """)
    void badValuesAreNamedWithTheirField(String json, String expected) {
        CofferException e = assertThrows(CofferException.class, () -> read(json));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
