package coffer.engine.instance;

import coffer.engine.json.CofferJson;
import coffer.vault.PointManifest;
import coffer.vault.format.CanonicalJson;
import coffer.vault.format.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The commit's JSON made ready ahead of it: on a daemon thread started when the backup's instant begins, a sample
 * point's facts and manifest are written through the mappers the commit uses ({@link PointFacts#json()}'s and the
 * point writer's), so Jackson has introspected their records and built (and cached in each mapper) their
 * serializers before the commit asks for them. A command-line backup's commit otherwise built them on its critical
 * path, after the disks were read (docs/performance.md, sessions 25 and 26). Nothing is written anywhere; a failure
 * only leaves the commit to build them as before. The thread ends by itself and never keeps the JVM alive.
 */
final class CommitWarmup {
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private CommitWarmup() {
    }

    /**
     * Starts the warm-up of the process's mappers on a daemon thread, once per process (the mappers keep what it
     * built); returns that thread, or null when it was started before.
     */
    static Thread start() {
        if (!STARTED.compareAndSet(false, true)) {
            return null;
        }
        return Thread.ofPlatform().daemon().name("commit-warmup")
                .start(() -> warm(CofferJson.MAPPER, Json.MAPPER));
    }

    /**
     * Writes a sample of the facts an instance backup records through {@code factsMapper} and a sample manifest
     * holding them through {@code manifestMapper}; every field the commit may write is set, so each nested record's
     * serializer is built. Never throws.
     */
    static void warm(ObjectMapper factsMapper, ObjectMapper manifestMapper) {
        try {
            Instant now = Instant.now();
            PointFacts sample = new PointFacts(PointFacts.VERSION,
                    new PointFacts.Instance("00000000-0000-0000-0000-000000000000", "qemu:///system", "running"),
                    "<domain/>", InstanceBackup.CHECKPOINT_PREFIX + "warmup",
                    Map.of("vda", new PointFacts.Disk("incremental", "warm-up", "qcow2")),
                    new PointFacts.Consistency("warm-up", 1L), now, null, null, "warm-up", null);
            JsonNode facts = CanonicalJson.readTree(factsMapper.writeValueAsBytes(sample));
            if (facts == null) {
                facts = factsMapper.valueToTree(sample);
            }
            // both shapes of the lists a manifest holds (Jackson looks a list's serializer up by its class: an
            // immutable list of one or two elements is not one of none or three)
            PointManifest.Disk disk = new PointManifest.Disk("vda", "points/warm-up/0.index", 1L << 20, 1 << 20, "00",
                    1, 1, 1, 1, "/dev/null", "qcow2");
            manifestMapper.writeValueAsBytes(new PointManifest(PointManifest.FORMAT, PointManifest.VERSION,
                    "20000101-000000-00000000", "warm-up", now, "CRASH", "20000101-000000-00000001", List.of(disk),
                    List.of(), Map.of(), null, facts));
            manifestMapper.writeValueAsBytes(new PointManifest(PointManifest.FORMAT, PointManifest.VERSION,
                    "20000101-000000-00000000", "warm-up", now, "CRASH", null, List.of(disk, disk, disk),
                    List.of(new PointManifest.SkippedDisk("vdb", "warm-up")), Map.of(), now, facts));
        } catch (Exception | LinkageError ignored) {
            // the commit builds what this did not
        }
    }
}
