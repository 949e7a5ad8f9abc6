package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.GroupPointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.group.GroupPoints;
import coffer.engine.group.GroupRestore;
import coffer.engine.instance.InstanceRestore;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.Vault;
import coffer.virt.libvirt.Libvirt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Set;

/**
 * Restores every member of a group point (target: the group point's id), from the vault its row names.
 * Parameters: {@code {"suffix": text|null, "start": bool, "inPlace": bool}}: either new instances
 * {@code <member><suffix>} (started when {@code start}), or in place over the shut-off originals.
 * Result: {@link #describe}. Stateless; thread-safe.
 */
final class GroupRestoreHandler implements JobHandler {
    static final Set<String> FIELDS = Set.of("suffix", "start", "inPlace");

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
    public JsonNode run(Job job, JobContext context) {
        Params params = Params.of(job, FIELDS);
        String suffix = params.optionalString("suffix");
        boolean start = params.flag("start");
        boolean inPlace = params.flag("inPlace");
        params.refuseIf(inPlace == (suffix != null), "suffix",
                "give a suffix for new instances, or set 'inPlace' to restore over the originals (not both)");
        params.refuseIf(inPlace && start, "start",
                "an in-place restore leaves the instances shut off; start them yourself");
        GroupPointRecord point = groupPoint(catalog, job.target());
        Vault vault = vaults.open(point.vault());
        try (Libvirt libvirt = hosts.connect(job.hostId())) {
            GroupRestore restore = new GroupRestore(libvirt, new GroupPoints(vault), new InstanceRestore(libvirt, vault, 0, directories));
            context.info("restoring group point " + point.id() + " of " + point.groupName()
                    + (inPlace ? " in place" : " as new instances with suffix " + suffix));
            GroupRestore.Result result = inPlace ? restore.inPlace(point.id(), context.progress())
                    : restore.asNewInstances(point.id(), suffix, null, start, context.progress());
            return describe(point.id(), result);
        }
    }

    /** The group point by id; PointNotFound when the catalog has none. */
    static GroupPointRecord groupPoint(Catalog catalog, String id) {
        return catalog.groups().findPoint(id).orElseThrow(() -> new CofferException(ErrorCode.PointNotFound,
                "no group point '" + id + "' in the catalog"));
    }

    /** {@code {"groupPoint", "instances": [{"point", "name", "disks", "started"}]}}. */
    static ObjectNode describe(String groupPointId, GroupRestore.Result result) {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("groupPoint", groupPointId);
        ArrayNode instances = json.putArray("instances");
        for (InstanceRestore.InstanceResult instance : result.instances()) {
            instances.add(RestoreInstanceHandler.describe(instance.point().id(), instance));
        }
        return json;
    }
}
