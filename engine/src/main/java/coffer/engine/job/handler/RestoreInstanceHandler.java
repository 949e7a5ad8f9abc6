package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Lookup;
import coffer.engine.catalog.PointRecord;
import coffer.engine.instance.InstanceRestore;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.operation.RestoreInstance;
import coffer.engine.operation.RestoreInstanceResult;
import coffer.engine.vault.VaultDirectory;
import coffer.virt.libvirt.Libvirt;

/**
 * Restores an instance from a point (the job's target: the point's id): in place over the shut-off original,
 * or as a new instance (started when asked). Stateless; thread-safe.
 */
final class RestoreInstanceHandler implements JobHandler<RestoreInstance, RestoreInstanceResult> {
    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final HostConnections hosts;
    private final RestoreDirectories directories;

    RestoreInstanceHandler(Catalog catalog, VaultDirectory vaults, RestoreDirectories directories) {
        this.directories = directories;
        this.catalog = catalog;
        this.vaults = vaults;
        this.hosts = new HostConnections(catalog);
    }

    @Override
    public RestoreInstanceResult run(RestoreInstance restore, Job job, JobContext context) {
        PointRecord point = Lookup.point(catalog, restore.point());
        try (Libvirt libvirt = hosts.connect(job.hostId())) {
            InstanceRestore use = new InstanceRestore(libvirt, vaults.open(point.vault()), 0, directories);
            context.info("restoring point " + point.id() + " of vault " + point.vault() + " (region " + point.region()
                    + ")" + (restore.inPlace() ? " in place" : " as new instance " + restore.name()) + " on host "
                    + job.hostId());
            InstanceRestore.InstanceResult result = restore.inPlace() ? use.inPlace(point.id(), restore.full(),
                    context.progress()) : use.asNewInstance(point.id(), restore.newInstance(), restore.start(),
                    context.progress());
            result.writes().forEach((disk, write) -> context.info("disk " + disk + ": " + write.summary()));
            return RestoreInstanceResult.of(result);
        }
    }
}
