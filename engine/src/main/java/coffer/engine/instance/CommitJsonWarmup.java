package coffer.engine.instance;

import coffer.vault.PointManifest;
import coffer.vault.format.Json;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Serializes a sample point's facts and manifest once on a background thread, so that Jackson builds (and its
 * mappers keep) the serializers of {@link PointFacts} and {@link PointManifest} while a running domain's disks are
 * read, not on the commit's path after them: in a command-line incremental the commit's first facts and manifest
 * took 0.16 and 0.2 s under load (docs/performance.md, session 25). The sample is made of constants; nothing of it is
 * written anywhere. Once per process; a failure is ignored (the commit then builds the serializers itself).
 *
 * <p>Thread-safe.
 */
final class CommitJsonWarmup {
    private static final java.util.concurrent.atomic.AtomicBoolean STARTED = new java.util.concurrent.atomic.AtomicBoolean();

    private CommitJsonWarmup() {
    }

    /** Starts the warm-up, once per process. */
    static void start() {
        if (STARTED.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("commit-json").start(CommitJsonWarmup::serializeSample);
        }
    }

    /** The sample serialized as the commit serializes a point: facts to a tree, then the manifest to bytes. */
    static byte[] serializeSample() {
        try {
            PointFacts facts = new PointFacts(PointFacts.VERSION,
                    new PointFacts.Instance("00000000-0000-0000-0000-000000000000", "qemu:///system", "running"),
                    null, "coffer-sample", Map.of("vda", new PointFacts.Disk("incremental", null, "qcow2")),
                    new PointFacts.Consistency("sample", 1L), null, null, null, null, null);
            PointManifest manifest = new PointManifest(PointManifest.FORMAT, PointManifest.VERSION, "sample", "sample",
                    Instant.EPOCH, "CRASH", "parent",
                    List.of(new PointManifest.Disk("vda", "points/sample/disk-0.fidx", 1, 1, "0", 1, 1, 1, 1, "vda",
                            "qcow2")),
                    List.of(new PointManifest.SkippedDisk("vdb", "sample")), Map.of(), null, facts.json());
            return Json.MAPPER.writeValueAsBytes(manifest);
        } catch (Exception | LinkageError ignored) {
            return null;
        }
    }
}
