package coffer.engine.instance;

import coffer.vault.PointManifest;
import coffer.vault.format.Json;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The commit's JSON warm-up serializes what a commit serializes: a manifest with disks, skipped disks and facts. */
class CommitJsonWarmupTest {

    @Test
    void theSampleIsAManifestWithFactsThatReadsBack() throws Exception {
        byte[] sample = CommitJsonWarmup.serializeSample();
        assertNotNull(sample, "the sample failed to serialize: the warm-up would build nothing");
        PointManifest read = Json.MAPPER.readValue(sample, PointManifest.class);
        assertEquals(1, read.disks().size());
        assertEquals("vda", read.disks().getFirst().name());
        assertEquals(1, read.skipped().size());
        assertEquals("running", read.facts().path("instance").path("state").asText());
        assertEquals("incremental", read.facts().path("disks").path("vda").path("mode").asText());
    }
}
