package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceGroup;
import coffer.engine.catalog.Lookup;
import coffer.engine.group.GroupBackup;
import coffer.engine.group.GroupClone;
import coffer.engine.group.GroupPoints;
import coffer.engine.group.GroupRestore;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.InstanceRestore;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.operation.CloneGroup;
import coffer.engine.operation.GroupCloneResult;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.Vault;
import coffer.virt.libvirt.Libvirt;

import java.nio.file.Path;
import java.util.List;

/**
 * Clone a group now (the job's target: the group's id): a group point of the members' current state (expiring
 * after one day), restored at once as started new instances {@code <member><suffix>}. Stateless; thread-safe.
 */
final class GroupCloneHandler implements JobHandler<CloneGroup, GroupCloneResult> {
    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final HostConnections hosts;
    private final RestoreDirectories directories;
    private final Path runtimeRoot;

    GroupCloneHandler(Catalog catalog, VaultDirectory vaults, Path runtimeRoot, RestoreDirectories directories) {
        this.directories = directories;
        this.catalog = catalog;
        this.vaults = vaults;
        this.hosts = new HostConnections(catalog);
        this.runtimeRoot = runtimeRoot;
    }

    @Override
    public GroupCloneResult run(CloneGroup clone, Job job, JobContext context) {
        String vaultName = vaults.nameOr(clone.vault());
        InstanceGroup group = Lookup.group(catalog, clone.group());
        List<Instance> members = Lookup.members(catalog, group);
        Vault vault = vaults.open(vaultName);
        try (Libvirt libvirt = hosts.connect(job.hostId())) {
            context.info("cloning group " + group.name() + " with suffix " + clone.suffix());
            GroupClone.Result result = new GroupClone(
                    new GroupBackup(libvirt, new InstanceBackup(libvirt, vault, runtimeRoot)),
                    new GroupRestore(libvirt, new GroupPoints(vault), new InstanceRestore(libvirt, vault, 0, directories)))
                    .run(group.name(), members.stream().map(Instance::name).toList(), clone.appConsistent(), clone.suffix(),
                            null, context.progress());
            GroupBackupHandler.record(catalog, group, members, vaultName, vaults.regionOf(vaultName), result.backup(),
                    job.id());
            result.backup().warnings().forEach(context::warning);
            return GroupCloneResult.of(result);
        }
    }
}
