package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.GroupPointRecord;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceGroup;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.group.GroupAttributes;
import coffer.engine.group.GroupBackup;
import coffer.engine.instance.AppConsistency;
import coffer.engine.instance.AppConsistencyJson;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.PointAttributes;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.vault.VaultDirectory;
import coffer.virt.libvirt.Libvirt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A group backup (target: the group's id): one point per member at one instant ({@link GroupBackup}), each
 * recorded as a point row, and the group point recorded with its members and windows. Parameters:
 * {@code {"vault": name|null, "retentionDays": 1..65536|null, "appConsistent": false|true|{options}}}.
 * Result: {@link #describe}. Stateless; thread-safe.
 */
final class GroupBackupHandler implements JobHandler {
    static final Set<String> FIELDS = Set.of("vault", "retentionDays", "appConsistent");

    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final HostConnections hosts;
    private final Path runtimeRoot;
    private final Clock clock;

    GroupBackupHandler(Catalog catalog, VaultDirectory vaults, Path runtimeRoot, Clock clock) {
        this.catalog = catalog;
        this.vaults = vaults;
        this.hosts = new HostConnections(catalog);
        this.runtimeRoot = runtimeRoot;
        this.clock = clock;
    }

    @Override
    public JsonNode run(Job job, JobContext context) {
        Params params = Params.of(job, FIELDS);
        String vault = vaults.nameOr(params.optionalString("vault"));
        Integer retentionDays = params.optionalInt("retentionDays", 1, BackupHandler.MAX_RETENTION_DAYS);
        AppConsistency consistency = params.appConsistency("appConsistent");
        InstanceGroup group = group(catalog, job.target());
        List<Instance> members = members(catalog, group);
        Map<String, String> attributes = BackupHandler.expiry(retentionDays, clock);
        GroupBackup.Result result;
        try (Libvirt libvirt = hosts.connect(job.hostId())) {
            context.info("backing up group " + group.name() + " (" + members.size() + " instances) into vault " + vault
                    + (consistency.enabled() ? ", application-consistent " + AppConsistencyJson.write(consistency) : ""));
            result = new GroupBackup(libvirt, new InstanceBackup(libvirt, vaults.open(vault), runtimeRoot)).run(
                    new GroupBackup.Request(group.name(), members.stream().map(Instance::name).toList(), consistency, 0,
                            GroupBackup.DEFAULT_MAX_PAUSED, attributes), context.progress());
        }
        GroupPointRecord point = record(catalog, group, members, vault, result, job.id());
        result.warnings().forEach(context::warning);
        context.info("group point " + point.id() + " stored: paused " + point.pauseMillis() + " ms"
                + (point.freezeMillis() == null ? "" : ", frozen " + point.freezeMillis() + " ms"));
        return describe(point, result);
    }

    /** The group by id or name; ResourceNotFound when there is none. */
    static InstanceGroup group(Catalog catalog, String idOrName) {
        return catalog.groups().resolve(idOrName).orElseThrow(() -> new CofferException(ErrorCode.ResourceNotFound,
                "no consistency group '" + idOrName + "' (by id or name)"));
    }

    /** Every member, live; InstanceReleased naming the first that no longer exists. */
    static List<Instance> members(Catalog catalog, InstanceGroup group) {
        List<Instance> members = new ArrayList<>();
        for (String id : group.instanceIds()) {
            members.add(BackupHandler.liveInstance(catalog, id));
        }
        return members;
    }

    /** Each member's point row and the group point's row, from a group backup's result. */
    static GroupPointRecord record(Catalog catalog, InstanceGroup group, List<Instance> members, String vault,
                                   GroupBackup.Result result, String jobId) {
        List<String> pointIds = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            var point = result.members().get(i).point();
            catalog.points().upsert(PointRecord.of(point, vault, members.get(i).id(), jobId));
            pointIds.add(point.id());
        }
        Map<String, String> facts = result.members().getFirst().point().attributes();
        GroupPointRecord record = new GroupPointRecord(result.id(), group.id(), group.name(), vault,
                Instant.parse(facts.get(GroupAttributes.INSTANT)), facts.get(GroupAttributes.MODE),
                result.pauseWindow().toMillis(), result.freezeWindow() == null ? null : result.freezeWindow().toMillis(),
                jobId, members.stream().map(Instance::id).toList(), pointIds);
        catalog.groups().recordPoint(record);
        return record;
    }

    /**
     * {@code {"groupPoint", "group", "instant", "mode", "pauseMillis", "freezeMillis"|null, "members":
     * [{"instance", "point", "consistency", "consistencyReason"}], "warnings"}}.
     */
    static ObjectNode describe(GroupPointRecord point, GroupBackup.Result result) {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("groupPoint", point.id()).put("group", point.groupName())
                .put("instant", point.instant().toString()).put("mode", point.mode()).put("pauseMillis", point.pauseMillis());
        if (point.freezeMillis() == null) {
            json.putNull("freezeMillis");
        } else {
            json.put("freezeMillis", point.freezeMillis());
        }
        ArrayNode members = json.putArray("members");
        for (int i = 0; i < point.pointIds().size(); i++) {
            Map<String, String> facts = result.members().get(i).point().attributes();
            members.addObject().put("instance", result.members().get(i).point().name()).put("point", point.pointIds().get(i))
                    .put("consistency", facts.getOrDefault(PointAttributes.CONSISTENCY, "CRASH"))
                    .put("consistencyReason", facts.get(PointAttributes.CONSISTENCY_REASON));
        }
        ArrayNode warnings = json.putArray("warnings");
        result.warnings().forEach(warnings::add);
        return json;
    }
}
