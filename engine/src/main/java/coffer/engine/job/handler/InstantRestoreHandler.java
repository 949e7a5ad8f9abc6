package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Lookup;
import coffer.engine.catalog.PointRecord;
import coffer.engine.instance.InstantRestore;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.operation.InstantRestoreResult;
import coffer.engine.operation.RestoreInstant;
import coffer.engine.vault.VaultDirectory;
import coffer.virt.libvirt.Libvirt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Instant restore as a job (docs/design/live-access.md): starts the new instance on overlays of the point's export
 * ({@link InstantRestore}; the overlays only where the server's restore directories allow), reports the copy's
 * progress while the guest runs, and ends when the instance runs from local files only. Cancelled, or failed before
 * that, the instance is removed (destroyed, undefined, overlays deleted, export closed). The export's socket lives in
 * {@code <runtime root>/instant/}. Stateless; thread-safe.
 */
final class InstantRestoreHandler implements JobHandler<RestoreInstant, InstantRestoreResult> {
    private static final Duration POLL = Duration.ofSeconds(1);

    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final HostConnections hosts;
    private final Path runtimeRoot;
    private final RestoreDirectories directories;

    InstantRestoreHandler(Catalog catalog, VaultDirectory vaults, Path runtimeRoot, RestoreDirectories directories) {
        this.catalog = catalog;
        this.vaults = vaults;
        this.hosts = new HostConnections(catalog);
        this.runtimeRoot = runtimeRoot;
        this.directories = directories;
    }

    @Override
    public InstantRestoreResult run(RestoreInstant restore, Job job, JobContext context) throws InterruptedException {
        PointRecord point = Lookup.point(catalog, restore.point());
        long begun = System.nanoTime();
        try (Libvirt libvirt = hosts.connect(job.hostId());
             InstantRestore.Session session = new InstantRestore(libvirt, vaults.open(point.vault()), directories).start(
                     new InstantRestore.Request(point.id(), restore.name(), restore.dir() == null ? null : Path.of(restore.dir()),
                             runtimeRoot.resolve("instant"), restore.speed()))) {
            long started = (System.nanoTime() - begun) / 1_000_000;
            context.info("instance " + restore.name() + " started on the point's export after " + started
                    + " ms; copying its disks to " + session.disks().values());
            long total = point.disks().stream().mapToLong(PointRecord.PointDisk::logicalBytes).sum();
            context.progress().starting(total);
            long reported = 0;
            while (!session.copyEnded()) {
                Thread.sleep(POLL); // a cancel interrupts here; closing the session then removes the instance
                long done = copied(session, point);
                if (done > reported) {
                    context.progress().advance(done - reported);
                    reported = done;
                }
            }
            session.awaitLocal(Duration.ZERO);
            context.progress().advance(Math.max(0, total - reported));
            long local = (System.nanoTime() - begun) / 1_000_000;
            context.info("instance " + restore.name() + " runs from local files; the export is closed");
            Map<String, String> disks = new LinkedHashMap<>();
            session.disks().forEach((target, file) -> disks.put(target, file.toString()));
            return new InstantRestoreResult(point.id(), restore.name(), disks, started, local);
        }
    }

    /** Bytes copied so far over all disks: each disk's block job share of its size. */
    private static long copied(InstantRestore.Session session, PointRecord point) {
        long done = 0;
        for (InstantRestore.DiskCopy copy : session.progress()) {
            long size = point.disks().stream().filter(d -> d.target().equals(copy.disk())).mapToLong(PointRecord.PointDisk::logicalBytes)
                    .findFirst().orElse(0);
            done += copy.complete() ? size : copy.total() == 0 ? 0 : (long) (size * (copy.done() / (double) copy.total()));
        }
        return done;
    }
}
