package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.AppConsistency;
import coffer.engine.instance.AppConsistencyJson;
import coffer.engine.instance.DiskPlan;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A manual backup of an instance (target: its UUID) into a vault, recorded as a point row.
 * Parameters: {@code {"vault": name|null, "disks": [targets]|null, "retentionDays": 1..65536|null,
 * "appConsistent": false|true|{options}, "replicate": bool}}: appConsistent quiesces the guest through its
 * agent ({@link AppConsistencyJson}'s form; docs/design/consistency.md); replicate is kept on the job row for the replication issue.
 * A plan's run adds {@link PlanPointFields} ({@code planId}, {@code policyId}, {@code policyImmutable}). The
 * expiry and those plan facts are also written into the point's manifest, so a catalog rebuild keeps them. Result:
 * {@code {"point": id, "consistency": level, "consistencyReason": text|null, "disks": [{target, mode, reason}],
 * "warnings": [...]}}. Stateless; thread-safe.
 */
final class BackupHandler implements JobHandler {
    static final Set<String> FIELDS = Set.of("vault", "disks", "retentionDays", "appConsistent", "replicate",
            PlanPointFields.PLAN_ID, PlanPointFields.POLICY_ID, PlanPointFields.POLICY_IMMUTABLE);
    static final int MAX_RETENTION_DAYS = 65_536;

    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final HostConnections hosts;
    private final Path runtimeRoot;
    private final Clock clock;

    BackupHandler(Catalog catalog, VaultDirectory vaults, Path runtimeRoot, Clock clock) {
        this.catalog = catalog;
        this.vaults = vaults;
        this.hosts = new HostConnections(catalog);
        this.runtimeRoot = runtimeRoot;
        this.clock = clock;
    }

    /** The manifest attribute of a point kept {@code retentionDays} from now (none: kept until deleted). */
    static Map<String, String> expiry(Integer retentionDays, Clock clock) {
        return retentionDays == null ? Map.of()
                : Map.of(PointAttributes.EXPIRES, clock.instant().plus(Duration.ofDays(retentionDays)).toString());
    }

    @Override
    public JsonNode run(Job job, JobContext context) {
        Params params = Params.of(job, FIELDS);
        String vaultName = params.optionalString("vault");
        List<String> disks = params.optionalStrings("disks");
        Integer retentionDays = params.optionalInt("retentionDays", 1, MAX_RETENTION_DAYS);
        AppConsistency consistency = params.appConsistency("appConsistent");
        params.flag("replicate");
        Instance instance = liveInstance(catalog, job.target());
        String vault = vaults.nameOr(vaultName);

        Map<String, String> attributes = new HashMap<>(expiry(retentionDays, clock));
        String planId = params.optionalString(PlanPointFields.PLAN_ID);
        String policyId = params.optionalString(PlanPointFields.POLICY_ID);
        boolean immutable = params.flag(PlanPointFields.POLICY_IMMUTABLE);
        params.refuseIf((planId == null) != (policyId == null), PlanPointFields.PLAN_ID,
                "a plan's point needs both planId and policyId");
        if (planId != null) {
            attributes.put(PointAttributes.PLAN, planId);
            attributes.put(PointAttributes.POLICY, policyId);
            attributes.put(PointAttributes.POLICY_IMMUTABLE, Boolean.toString(immutable));
        }
        InstanceBackup.Result result;
        try (Libvirt libvirt = hosts.connect(job.hostId())) {
            context.info("backing up " + instance.name() + " (" + instance.id() + ") into vault " + vault
                    + (consistency.enabled() ? ", application-consistent " + AppConsistencyJson.write(consistency) : ""));
            result = new InstanceBackup(libvirt, vaults.open(vault), runtimeRoot).run(new InstanceBackup.Request(
                    instance.id(), disks == null ? Set.of() : new LinkedHashSet<>(disks), 0, attributes,
                    consistency),
                    context.progress());
        }
        catalog.points().upsert(PointRecord.of(result.point(), vault, instance.id(), job.id()));
        result.warnings().forEach(context::warning);
        result.point().skipped().forEach(s -> context.warning("disk " + s.name() + " skipped: " + s.reason()));
        context.info("point " + result.point().id() + " stored");

        ObjectNode json = JsonNodeFactory.instance.objectNode().put("point", result.point().id());
        Map<String, String> recorded = result.point().attributes();
        json.put("consistency", recorded.getOrDefault(PointAttributes.CONSISTENCY, "CRASH"));
        json.put("consistencyReason", recorded.get(PointAttributes.CONSISTENCY_REASON));
        ArrayNode diskModes = json.putArray("disks");
        for (DiskPlan plan : result.plans()) {
            diskModes.addObject().put("target", plan.target()).put("mode", plan.mode().name().toLowerCase())
                    .put("reason", plan.reason());
        }
        ArrayNode warnings = json.putArray("warnings");
        result.warnings().forEach(warnings::add);
        result.point().skipped().forEach(s -> warnings.add("disk " + s.name() + " skipped: " + s.reason()));
        return json;
    }

    /** The catalog's instance {@code id}; InstanceNotFound when unknown, InstanceReleased when gone. */
    static Instance liveInstance(Catalog catalog, String id) {
        Instance instance = catalog.instances().find(id).orElseThrow(() -> new CofferException(
                ErrorCode.InstanceNotFound, "no instance with id " + id + " in the catalog; refresh the host's instances"));
        if (instance.gone()) {
            throw new CofferException(ErrorCode.InstanceReleased, "instance " + instance.name() + " (" + id
                    + ") no longer exists on host " + instance.hostId());
        }
        return instance;
    }
}
