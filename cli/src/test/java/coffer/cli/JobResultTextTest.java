package coffer.cli;

import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.json.CofferJson;
import coffer.engine.operation.JobView;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@code coffer job show|wait} prints a finished job's result as the command that ran it does (session 19's walk: it
 * printed the result's JSON on one line); a result that does not read as its type's record is shown as JSON.
 */
class JobResultTextTest {
    private static final String BACKUP = """
            {"point":"20261207-005443-83f11c77","name":"web-1","instance":"d61ef918-622a-4a38-ad63-4b968fa05876",
             "createdAt":"2026-12-07T00:54:43.622105262Z","description":null,"consistency":"CRASH","consistencyReason":null,
             "freezeMillis":null,"logicalBytes":134217728,"disks":[{"target":"vda","size":67108864,"mode":"full",
             "reason":null,"readBytes":16777216,"newChunks":32,"newStoredBytes":16778880}],"skipped":[],"warnings":[]}""";

    private static JobView job(JobType type, JsonNode result) {
        Instant at = Instant.parse("2026-12-07T00:54:43Z");
        return new JobView("01a24dfe-f209-7000-a204-0a39c37806e3", type, "d61ef918-622a-4a38-ad63-4b968fa05876", null, "local",
                JobState.succeeded, null, at, at, at, null, false, result, null);
    }

    @Test
    void aBackupsResultIsShownAsTheBackupCommandShowsIt() {
        List<String> lines = Render.resultLines(job(JobType.backup, CofferJson.readTree(BACKUP, "result")));
        assertEquals(List.of("Point 20261207-005443-83f11c77 of web-1: 1 disk(s), 128.0 MiB",
                "  vda  64.0 MiB, full: read 16.0 MiB, 32 new chunk(s) storing 16.0 MiB",
                "  consistency: CRASH"), lines);
    }

    @Test
    void aResultThatDoesNotReadAsItsRecordIsLeftToTheJson() {
        assertNull(Render.resultLines(job(JobType.backup, CofferJson.readTree("{\"colour\": 1}", "result"))));
    }
}
