package coffer.engine.instance;

import coffer.engine.json.CofferJson;
import coffer.testing.Await;
import coffer.vault.PointManifest;
import coffer.vault.format.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ser.DefaultSerializerProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commit's warm-up builds, ahead of the commit, every serializer the commit of an instance backup then needs:
 * after it, writing a backup's facts and its manifest builds none (each mapper is a fresh copy, whose serializer
 * cache starts empty, so what other tests in this JVM wrote does not count).
 */
class CommitWarmupTest {

    @Test
    void afterTheWarmupTheCommitsJsonBuildsNoSerializer() throws Exception {
        ObjectMapper facts = CofferJson.MAPPER.copy();
        ObjectMapper manifests = Json.MAPPER.copy();
        CommitWarmup.warm(facts, manifests);
        int factsBuilt = cached(facts);
        int manifestBuilt = cached(manifests);
        assertTrue(factsBuilt > 0 && manifestBuilt > 0, "the warm-up built serializers");

        writeCommitsJson(facts, manifests, 1);
        writeCommitsJson(facts, manifests, 2);
        writeCommitsJson(facts, manifests, 3);
        assertEquals(factsBuilt, cached(facts), "serializers the facts' JSON built after the warm-up");
        assertEquals(manifestBuilt, cached(manifests), "serializers the manifest's JSON built after the warm-up");
    }

    @Test
    void withoutTheWarmupTheCommitBuildsThem() throws Exception {
        // the measure above is a real one: cold copies build serializers for the same JSON
        ObjectMapper facts = CofferJson.MAPPER.copy();
        ObjectMapper manifests = Json.MAPPER.copy();
        writeCommitsJson(facts, manifests, 2);
        assertTrue(cached(facts) > 0 && cached(manifests) > 0);
    }

    @Test
    void theWarmupThreadEndsByItselfAndNeverHoldsTheJvm() throws Exception {
        Thread thread = CommitWarmup.start();
        if (thread == null) {
            return; // started earlier in this JVM (an instance backup of another test): once per process
        }
        assertTrue(thread.isDaemon());
        Await.until(() -> !thread.isAlive(), Duration.ofSeconds(30), "the warm-up thread ends");
        assertFalse(thread.isAlive());
        assertEquals(null, CommitWarmup.start(), "a second start starts nothing");
    }

    /** What {@link StagedBackup#commit} and the point writer write: the facts of an incremental, then its manifest. */
    private static void writeCommitsJson(ObjectMapper factsMapper, ObjectMapper manifestMapper, int disks)
            throws Exception {
        PointFacts facts = new PointFacts(PointFacts.VERSION, null, null, null, null, null,
                Instant.parse("2026-12-31T00:00:00Z"), null, null, "nightly", null)
                .with(new PointFacts(PointFacts.VERSION,
                        new PointFacts.Instance("6f1c2a8e-3c1d-4e55-9a53-0c0ffe700001", "qemu:///system", "running"), null,
                        "coffer-20261208-001500-1a2b3c4d",
                        Map.of("vda", new PointFacts.Disk("incremental", null, "qcow2"),
                                "vdb", new PointFacts.Disk("full", "no checkpoint", "raw")),
                        null, null, null, null, null, null));
        JsonNode tree = factsMapper.readTree(factsMapper.writeValueAsBytes(facts));
        PointManifest.Disk disk = new PointManifest.Disk("vda", "points/20261208-001500-1a2b3c4d/0.index", 4L << 30,
                1 << 20, "ab", 300, 200, 50_000_000, 120_000_000, "/var/lib/libvirt/images/web.qcow2", "qcow2");
        PointManifest manifest = new PointManifest(PointManifest.FORMAT, PointManifest.VERSION,
                "20261208-001500-1a2b3c4d", "web", Instant.parse("2026-12-08T00:15:00Z"), "CRASH",
                "20261207-001500-5e6f7a8b", java.util.Collections.nCopies(disks, disk), List.of(), Map.of(), null, tree);
        manifestMapper.writeValueAsBytes(manifest);
    }

    private static int cached(ObjectMapper mapper) {
        return ((DefaultSerializerProvider) mapper.getSerializerProvider()).cachedSerializersCount();
    }
}
