package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.GroupPointRecord;
import coffer.engine.catalog.Lookup;
import coffer.engine.group.GroupPoints;
import coffer.engine.group.GroupRestore;
import coffer.engine.instance.InstanceRestore;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.operation.GroupRestoreResult;
import coffer.engine.operation.RestoreGroup;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.Vault;
import coffer.virt.libvirt.Libvirt;

/**
 * Restores every member of a group point (the job's target: the group point's id), from the vault its row
 * names: as new instances {@code <member><suffix>}, or in place over the shut-off originals. Stateless; thread-safe.
 */
final class GroupRestoreHandler implements JobHandler<RestoreGroup, GroupRestoreResult> {
    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final HostConnections hosts;
    private final RestoreDirectories directories;

    GroupRestoreHandler(Catalog catalog, VaultDirectory vaults, RestoreDirectories directories) {
        this.directories = directories;
        this.catalog = catalog;
        this.vaults = vaults;
        this.hosts = new HostConnections(catalog);
    }

    @Override
    public GroupRestoreResult run(RestoreGroup restore, Job job, JobContext context) {
        GroupPointRecord point = Lookup.groupPoint(catalog, restore.groupPoint());
        Vault vault = vaults.open(point.vault());
        try (Libvirt libvirt = hosts.connect(job.hostId())) {
            GroupRestore use = new GroupRestore(libvirt, new GroupPoints(vault), new InstanceRestore(libvirt, vault, 0, directories));
            context.info("restoring group point " + point.id() + " of " + point.groupName()
                    + (restore.inPlace() ? " in place" : " as new instances with suffix " + restore.suffix()));
            GroupRestore.Result result = restore.inPlace() ? use.inPlace(point.id(), restore.full(), context.progress())
                    : use.asNewInstances(point.id(), restore.suffix(), null, restore.start(), context.progress());
            result.instances().forEach(instance -> instance.writes().forEach((disk, write) ->
                    context.info(instance.name() + " disk " + disk + ": " + write.summary())));
            return GroupRestoreResult.of(result);
        }
    }
}
