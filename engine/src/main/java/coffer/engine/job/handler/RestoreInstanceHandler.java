package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.PointRecord;
import coffer.engine.instance.InstanceRestore;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.vault.VaultDirectory;
import coffer.virt.libvirt.Libvirt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Set;

/**
 * Restores an instance from a point (target: the point id). Parameters: {@code {"name": new name|null,
 * "start": bool, "inPlace": bool}}: either {@code inPlace} (over the shut-off original) or a new instance
 * called {@code name}, started when {@code start}. Result: {@code {"point", "name", "disks": {target: file},
 * "started"}}. Stateless; thread-safe.
 */
final class RestoreInstanceHandler implements JobHandler {
    static final Set<String> FIELDS = Set.of("name", "start", "inPlace");

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
    public JsonNode run(Job job, JobContext context) {
        Params params = Params.of(job, FIELDS);
        String name = params.optionalString("name");
        boolean start = params.flag("start");
        boolean inPlace = params.flag("inPlace");
        params.refuseIf(inPlace == (name != null), "name",
                "give a new instance's name, or set 'inPlace' to restore over the original (not both)");
        params.refuseIf(inPlace && start, "start",
                "an in-place restore leaves the instance shut off; start it yourself");
        PointRecord point = RestoreDiskHandler.knownPoint(catalog, job.target());
        try (Libvirt libvirt = hosts.connect(job.hostId())) {
            InstanceRestore restore = new InstanceRestore(libvirt, vaults.open(point.vault()), 0, directories);
            context.info("restoring point " + point.id() + (inPlace ? " in place" : " as new instance " + name));
            InstanceRestore.InstanceResult result = inPlace ? restore.inPlace(point.id(), context.progress())
                    : restore.asNewInstance(point.id(), name, null, start, context.progress());
            return describe(point.id(), result);
        }
    }

    static ObjectNode describe(String pointId, InstanceRestore.InstanceResult result) {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("point", pointId).put("name", result.name());
        ObjectNode disks = json.putObject("disks");
        result.disks().forEach((target, file) -> disks.put(target, file.toString()));
        return json.put("started", result.started());
    }
}
