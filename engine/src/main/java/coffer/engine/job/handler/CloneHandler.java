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
import coffer.engine.instance.PointFacts;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.replication.PointReplication;
import coffer.engine.replication.Regions;
import coffer.engine.replication.TrackedReplication;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.Vault;
import coffer.virt.libvirt.Libvirt;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

/**
 * Clone now (the job's target: the instance's UUID): a point of the current state, restored at once as the
 * started new instance. The point's row carries its one-day expiry. With a region other than the vault's: the point
 * is replicated to that region's first vault (the replica kept one day; {@link TrackedReplication}, so the point shows
 * it) and the replica restored on a host of that region: backup, replication and restore in one job, each step's
 * failure or cancel cleaning up as it does alone. Stateless; thread-safe.
 */
final class CloneHandler implements JobHandler<CloneInstance, CloneResult> {
    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final HostConnections hosts;
    private final RestoreDirectories directories;
    private final Path runtimeRoot;
    private final Regions regions;
    private final TrackedReplication replication;

    CloneHandler(Catalog catalog, VaultDirectory vaults, Path runtimeRoot, RestoreDirectories directories, Regions regions,
                 TrackedReplication replication) {
        this.regions = regions;
        this.replication = replication;
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
        if (clone.region() != null && !clone.region().equals(vaults.regionOf(vaultName))) {
            return inRegion(clone, instance, vaultName, job, context);
        }
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

    private CloneResult inRegion(CloneInstance clone, Instance instance, String vaultName, Job job, JobContext context) {
        String region = clone.region();
        String there = regions.defaultVault(region);
        String host = regions.hostIn(region, null);
        context.info("cloning " + instance.name() + " as " + clone.name() + " in region " + region + " (vault " + there
                + ", host " + host + ")");
        InstanceBackup.Result point;
        try (Libvirt libvirt = hosts.connect(job.hostId())) {
            point = new InstanceBackup(libvirt, vaults.open(vaultName), runtimeRoot).run(new InstanceBackup.Request(
                    instance.id(), Set.of(), 0, PointFacts.expiring(Instant.now().plus(InstanceClone.KEEP))),
                    context.progress());
        }
        catalog.points().upsert(PointRecord.of(point.point(), vaultName, instance.id(), job.id())
                .inRegion(vaults.regionOf(vaultName)));
        PointReplication.Result replica = replication.run(point.point().id(), new TrackedReplication.Destination(region,
                there, new ReplicationRule.Encryption.Auto(), RetentionPeriod.days(1), false), job.id(), context.progress());
        context.info("point " + point.point().id() + " replicated to vault " + there + " as " + replica.replicaId());
        try (Libvirt libvirt = hosts.connect(host)) {
            InstanceRestore.InstanceResult copy = new InstanceRestore(libvirt, vaults.open(there), 0, directories)
                    .asNewInstance(replica.replicaId(), clone.name(), null, true, context.progress());
            point.warnings().forEach(context::warning);
            return CloneResult.of(point, copy, replica.replicaId());
        }
    }
}
