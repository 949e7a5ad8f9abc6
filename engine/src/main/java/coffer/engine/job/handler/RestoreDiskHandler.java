package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Lookup;
import coffer.engine.catalog.PointRecord;
import coffer.engine.instance.InstanceRestore;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.operation.RestoreDisk;
import coffer.engine.operation.RestoreDiskResult;
import coffer.engine.vault.VaultDirectory;
import coffer.virt.image.ImageFormat;
import coffer.virt.libvirt.Libvirt;

import java.nio.file.Path;

/**
 * Restores one disk of a point (the job's target: the point's id), to a new file or in place over the
 * instance's disk (the instance must be shut off). Stateless; thread-safe.
 */
final class RestoreDiskHandler implements JobHandler<RestoreDisk, RestoreDiskResult> {
    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final HostConnections hosts;
    private final RestoreDirectories directories;

    RestoreDiskHandler(Catalog catalog, VaultDirectory vaults, RestoreDirectories directories) {
        this.directories = directories;
        this.catalog = catalog;
        this.vaults = vaults;
        this.hosts = new HostConnections(catalog);
    }

    @Override
    public RestoreDiskResult run(RestoreDisk restore, Job job, JobContext context) {
        PointRecord point = Lookup.point(catalog, restore.point());
        Path file = restore.to() == null ? null : Path.of(restore.to());
        try (Libvirt libvirt = hosts.connect(job.hostId())) {
            context.info("restoring disk " + restore.disk() + " of point " + point.id()
                    + (restore.inPlace() ? " in place" : " to " + restore.to()));
            InstanceRestore.DiskResult result = new InstanceRestore(libvirt, vaults.open(point.vault()), 0, directories).disk(
                    point.id(), restore.disk(), file,
                    restore.format() == null ? null : ImageFormat.valueOf(restore.format().toUpperCase()), restore.force(),
                    restore.full(), context.progress());
            if (result.write() != null) {
                context.info("disk " + restore.disk() + ": " + result.write().summary());
            }
            return new RestoreDiskResult(point.id(), restore.disk(), result.file().toString(), result.write());
        }
    }
}
