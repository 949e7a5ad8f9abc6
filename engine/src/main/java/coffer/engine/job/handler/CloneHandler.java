package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Lookup;
import coffer.engine.catalog.PointRecord;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.InstanceClone;
import coffer.engine.instance.InstanceRestore;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.operation.CloneInstance;
import coffer.engine.operation.CloneResult;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.Vault;
import coffer.virt.libvirt.Libvirt;

import java.nio.file.Path;

/**
 * Clone now (the job's target: the instance's UUID): a point of the current state, restored at once as the
 * started new instance. The point's row carries its one-day expiry. Stateless; thread-safe.
 */
final class CloneHandler implements JobHandler<CloneInstance, CloneResult> {
    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final HostConnections hosts;
    private final RestoreDirectories directories;
    private final Path runtimeRoot;

    CloneHandler(Catalog catalog, VaultDirectory vaults, Path runtimeRoot, RestoreDirectories directories) {
        this.directories = directories;
        this.catalog = catalog;
        this.vaults = vaults;
        this.hosts = new HostConnections(catalog);
        this.runtimeRoot = runtimeRoot;
    }

    @Override
    public CloneResult run(CloneInstance clone, Job job, JobContext context) {
        Instance instance = Lookup.liveInstance(catalog, clone.instance());
        String vaultName = vaults.nameOr(clone.vault());
        Vault vault = vaults.open(vaultName);
        try (Libvirt libvirt = hosts.connect(job.hostId())) {
            context.info("cloning " + instance.name() + " as " + clone.name());
            InstanceClone.Result result = new InstanceClone(new InstanceBackup(libvirt, vault, runtimeRoot),
                    new InstanceRestore(libvirt, vault, 0, directories)).run(instance.id(), clone.name(), null, 0, context.progress());
            catalog.points().upsert(PointRecord.of(result.backup().point(), vaultName, instance.id(), job.id())
                    .inRegion(vaults.regionOf(vaultName)));
            result.backup().warnings().forEach(context::warning);
            return CloneResult.of(result);
        }
    }
}
