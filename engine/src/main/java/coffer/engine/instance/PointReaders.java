package coffer.engine.instance;

import coffer.vault.PointManifest;
import coffer.vault.format.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets the JSON readers a backup's plan needs for the previous point built before the plan needs them: Jackson
 * makes the deserializers of the vault's {@link PointManifest} and of its {@link PointFacts} (and the reflective
 * accessors of their records' constructors) on their first read, ~30-40 ms of a command-line run's C1-compiled
 * code, which the previous point's read ({@link PreviousPointRead}) would otherwise pay after the domain is found,
 * on the plan's critical path (docs/performance.md, "Session 14"). Reads a built-in sample manifest once per JVM on a
 * thread of its own, begun with the vault's opening and libvirt's connection; the real read then finds the readers
 * made (or waits for the one being made: Jackson builds each once). Reads nothing of the vault, stores nothing; a
 * failure only costs speed.
 *
 * <p>Thread-safe.
 */
public final class PointReaders {
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    /**
     * A manifest with every section an instance point's has: disks, a skipped disk, and facts with the instance,
     * domain XML, checkpoint, each disk's mode, the consistency reason, the expiry and a description
     * (docs/format/manifest.md).
     */
    static final String SAMPLE = """
            {"format":"coffer-point","version":3,"id":"20261121-063015-3fa2b9c1","name":"sample",
             "createdAt":"2026-11-21T06:30:15.123Z","consistency":"CRASH","parent":"20261120-063011-0c1d2e3f",
             "disks":[{"name":"vda","index":"points/20261121-063015-3fa2b9c1/disk-0.fidx","size":1073741824,
               "chunkSize":524288,"indexChecksum":"00","dataChunks":1,"newChunks":1,"newStoredBytes":1,
               "readBytes":524288,"source":"/dev/null","sourceFormat":"qcow2"}],
             "skipped":[{"name":"hdc","reason":"cdrom"}],
             "facts":{"version":3,"instance":{"uuid":"6f1c2a9e-0000-0000-0000-000000000000","uri":"qemu:///system",
               "state":"running"},"domainXml":"<domain/>","checkpoint":"coffer-20261121-063015-3fa2b9c1",
               "disks":{"vda":{"mode":"incremental","format":"qcow2"},"vdb":{"mode":"full","reason":"r","format":"raw"}},
               "consistency":{"reason":"r","freezeMillis":1},"expires":"2026-12-08T00:00:00Z","description":"d"}}
            """;

    private PointReaders() {
    }

    /** Starts building the readers on a daemon thread, once per JVM; returns at once. */
    public static void startInBackground() {
        if (STARTED.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("point-readers").start(() -> {
                try {
                    read();
                } catch (IOException | RuntimeException e) {
                    // only speed is lost: the previous point's read builds what is missing
                }
            });
        }
    }

    /** Reads {@link #SAMPLE} as a manifest and its facts, as {@link PreviousPointRead} reads the previous point. */
    static PointFacts read() throws IOException {
        PointManifest manifest = Json.MAPPER.readValue(SAMPLE.getBytes(StandardCharsets.UTF_8), PointManifest.class);
        return PointFacts.of(manifest);
    }
}
