package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.InstanceClone;
import coffer.engine.instance.InstanceRestore;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.Vault;
import coffer.virt.libvirt.Libvirt;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.Set;

/**
 * Clone now (target: the instance id): a point of the current state, restored at once as the started new
 * instance {@code name}. Parameters: {@code {"name": new name, "vault": name|null}}. The point's row carries
 * its one-day expiry. Result: {@code {"point", "name", "disks": {target: file}, "started"}}. Stateless;
 * thread-safe.
 */
final class CloneHandler implements JobHandler {
    static final Set<String> FIELDS = Set.of("name", "vault");

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
    public JsonNode run(Job job, JobContext context) {
        Params params = Params.of(job, FIELDS);
        String name = params.string("name");
        String vaultName = params.optionalString("vault");
        Instance instance = BackupHandler.liveInstance(catalog, job.target());
        String vaultKey = vaults.nameOr(vaultName);
        Vault vault = vaults.open(vaultKey);
        try (Libvirt libvirt = hosts.connect(job.hostId())) {
            context.info("cloning " + instance.name() + " as " + name);
            InstanceClone.Result result = new InstanceClone(new InstanceBackup(libvirt, vault, runtimeRoot),
                    new InstanceRestore(libvirt, vault, 0, directories)).run(instance.id(), name, null, 0, context.progress());
            catalog.points().upsert(PointRecord.of(result.backup().point(), vaultKey, instance.id(), job.id()));
            result.backup().warnings().forEach(context::warning);
            return RestoreInstanceHandler.describe(result.backup().point().id(), result.instance());
        }
    }
}
