package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.GroupPointRecord;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceGroup;
import coffer.engine.group.GroupBackup;
import coffer.engine.group.GroupClone;
import coffer.engine.group.GroupPoints;
import coffer.engine.group.GroupRestore;
import coffer.engine.instance.AppConsistency;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.InstanceRestore;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.Vault;
import coffer.virt.libvirt.Libvirt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Clone a group now (target: the group's id): a group point of the members' current state (expiring after
 * one day), restored at once as started new instances {@code <member><suffix>}. Parameters:
 * {@code {"suffix": text, "vault": name|null, "appConsistent": false|true|{options}}}. Result: the group
 * backup's description with {@code "instances"} of the restore. Stateless; thread-safe.
 */
final class GroupCloneHandler implements JobHandler {
    static final Set<String> FIELDS = Set.of("suffix", "vault", "appConsistent");

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
    public JsonNode run(Job job, JobContext context) {
        Params params = Params.of(job, FIELDS);
        String suffix = params.string("suffix");
        String vaultName = vaults.nameOr(params.optionalString("vault"));
        AppConsistency consistency = params.appConsistency("appConsistent");
        InstanceGroup group = GroupBackupHandler.group(catalog, job.target());
        List<Instance> members = GroupBackupHandler.members(catalog, group);
        Vault vault = vaults.open(vaultName);
        try (Libvirt libvirt = hosts.connect(job.hostId())) {
            context.info("cloning group " + group.name() + " with suffix " + suffix);
            GroupClone.Result result = new GroupClone(
                    new GroupBackup(libvirt, new InstanceBackup(libvirt, vault, runtimeRoot)),
                    new GroupRestore(libvirt, new GroupPoints(vault), new InstanceRestore(libvirt, vault, 0, directories)))
                    .run(group.name(), members.stream().map(Instance::name).toList(), consistency, suffix, null,
                            context.progress());
            GroupPointRecord point = GroupBackupHandler.record(catalog, group, members, vaultName, result.backup(), job.id());
            result.backup().warnings().forEach(context::warning);
            ObjectNode json = GroupBackupHandler.describe(point, result.backup());
            json.set("instances", GroupRestoreHandler.describe(point.id(), result.instances()).get("instances"));
            return json;
        }
    }
}
