package coffer.engine.job.handler;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParamsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Params backup(String json) throws Exception {
        JsonNode params = JSON.readTree(json);
        Job job = new Job("j", JobType.backup, "t", "local", JobState.running, params, Instant.now(), null, null,
                null, 0, 0, -1, -1, false, null, null, null);
        return Params.of(job, BackupHandler.FIELDS);
    }

    private static void refused(String json, String field) {
        CofferException e = assertThrows(CofferException.class, () -> {
            Params p = backup(json);
            p.optionalString("vault");
            p.optionalStrings("disks");
            p.optionalInt("retentionDays", 1, BackupHandler.MAX_RETENTION_DAYS);
            p.flag("appConsistent");
        });
        assertEquals(ErrorCode.InvalidArgument, e.code());
        assertTrue(e.getMessage().contains("'" + field + "'"), e.getMessage());
    }

    @Test
    void givenValuesAreReadAndAbsentOrNullMeanNotGiven() throws Exception {
        Params p = backup("{\"vault\":\"v\",\"disks\":[\"vda\"],\"retentionDays\":7,\"appConsistent\":true,\"replicate\":null}");
        assertEquals("v", p.optionalString("vault"));
        assertEquals(List.of("vda"), p.optionalStrings("disks"));
        assertEquals(7, p.optionalInt("retentionDays", 1, 10));
        assertTrue(p.flag("appConsistent"));
        assertFalse(p.flag("replicate"));
        Params empty = backup("{}");
        assertNull(empty.optionalString("vault"));
        assertNull(empty.optionalStrings("disks"));
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        refused("{\"vualt\":\"v\"}", "vualt");
        refused("{\"vault\":3}", "vault");
        refused("{\"disks\":\"vda\"}", "disks");
        refused("{\"disks\":[]}", "disks");
        refused("{\"retentionDays\":0}", "retentionDays");
        refused("{\"retentionDays\":65537}", "retentionDays");
        refused("{\"retentionDays\":1.5}", "retentionDays");
        refused("{\"appConsistent\":\"yes\"}", "appConsistent");
    }
}
