package coffer.server.api;

import coffer.engine.operation.*;
import coffer.server.auth.Role;

import java.util.List;
import java.util.Optional;

/**
 * Every operation endpoint of the API, in one table (docs/api.md). Adding an operation adds one line here.
 * The OpenAPI document and {@code /metrics} are served beside these ({@link MetaApi}).
 */
public final class Endpoints {
    public static final String PREFIX = "/api/v1";

    public static final List<Endpoint> ALL = List.of(
            get("/hosts", Role.viewer, ListHosts.class),
            post("/hosts/{host}/refresh", Role.operator, RefreshHost.class, 200),
            get("/instances", Role.viewer, ListInstances.class),
            get("/instances/{instance}", Role.viewer, ShowInstance.class),
            post("/instances/{instance}/backups", Role.operator, BackupInstance.class, 202),
            post("/instances/{instance}/clone", Role.operator, CloneInstance.class, 202),
            get("/instances/{instance}/points", Role.viewer, ListPoints.class),

            get("/protections", Role.viewer, ListProtections.class),
            post("/protections", Role.operator, Protect.class, 201),
            delete("/protections/{instance}", Role.operator, StopProtection.class),

            get("/points", Role.viewer, ListPoints.class),
            get("/points/{point}", Role.viewer, ShowPoint.class),
            delete("/points/{point}", Role.admin, DeletePoint.class),
            post("/points/{point}/restore-disk", Role.operator, RestoreDisk.class, 202),
            post("/points/{point}/restore-instance", Role.operator, RestoreInstance.class, 202),
            post("/points/{point}/replicate", Role.operator, ReplicatePoint.class, 202),
            get("/points/{point}/retention", Role.viewer, ShowRetention.class),
            post("/points/{point}/retention", Role.operator, ChangeRetention.class, 200),
            post("/retention/sweep", Role.operator, SweepRetention.class, 200),

            get("/jobs", Role.viewer, ListJobs.class),
            get("/jobs/{job}", Role.viewer, ShowJob.class),
            get("/jobs/{job}/log", Role.viewer, ShowJobLog.class),
            post("/jobs/{job}/cancel", Role.operator, CancelJob.class, 202),

            get("/capacity", Role.viewer, ShowCapacity.class),
            get("/vaults", Role.viewer, ListVaults.class),
            get("/tokens", Role.admin, ListTokens.class),
            post("/tokens", Role.admin, CreateToken.class, 201),
            delete("/tokens/{token}", Role.admin, RevokeToken.class),
            post("/catalog/rebuild", Role.admin, RebuildCatalog.class, 200),

            get("/policies", Role.viewer, ListPolicies.class),
            new Endpoint("POST", PREFIX + "/policies", Role.operator, CreatePolicy.class, 201, "document"),
            get("/policies/{policy}", Role.viewer, ShowPolicy.class),
            new Endpoint("PUT", PREFIX + "/policies/{policy}", Role.operator, EditPolicy.class, 200, "document"),
            delete("/policies/{policy}", Role.operator, DeletePolicy.class),

            get("/plans", Role.viewer, ListPlans.class),
            post("/plans", Role.operator, BindPlan.class, 201),
            get("/plans/{plan}", Role.viewer, ShowPlan.class),
            new Endpoint("PUT", PREFIX + "/plans/{plan}", Role.operator, EditPlan.class, 200, null),
            delete("/plans/{plan}", Role.operator, DeletePlan.class),
            post("/plans/{plan}/run", Role.operator, RunPlan.class, 202),
            post("/plans/{plan}/suspend", Role.operator, SuspendPlan.class, 200),
            post("/plans/{plan}/resume", Role.operator, ResumePlan.class, 200),

            get("/groups", Role.viewer, ListGroups.class),
            post("/groups", Role.operator, CreateGroup.class, 201),
            get("/groups/{group}", Role.viewer, ShowGroup.class),
            delete("/groups/{group}", Role.operator, DeleteGroup.class),
            post("/groups/{group}/backups", Role.operator, BackupGroup.class, 202),
            get("/groups/{group}/points", Role.viewer, ListGroupPoints.class),
            post("/groups/{group}/clone", Role.operator, CloneGroup.class, 202),
            post("/group-points/{groupPoint}/restore", Role.operator, RestoreGroup.class, 202),

            post("/points/{point}/mounts", Role.operator, MountDisk.class, 202),
            get("/mounts", Role.viewer, ListMounts.class),
            post("/mounts/{mount}/unmount", Role.operator, UnmountDisk.class, 202),
            post("/points/{point}/instant-restore", Role.operator, RestoreInstant.class, 202),
            get("/points/{point}/disks/{disk}/filesystems", Role.viewer, ListFilesystems.class),
            get("/points/{point}/disks/{disk}/files", Role.viewer, ListFiles.class),
            post("/points/{point}/exports", Role.operator, ExportFiles.class, 202),
            post("/instances/{instance}/files/search", Role.operator, SearchFiles.class, 202),
            get("/exports", Role.viewer, ListExports.class),
            delete("/exports/{export}", Role.operator, DeleteExport.class),


            post("/vaults/{vault}/verify", Role.admin, VerifyVault.class, 202),
            post("/verify", Role.admin, VerifyVault.class, 202),
            get("/verify-runs", Role.viewer, ListVerifyRuns.class),
            post("/instances/{instance}/drills", Role.operator, DrillInstance.class, 202),
            get("/drills", Role.viewer, ListDrills.class),
            get("/alerts", Role.viewer, ListAlerts.class),
            post("/alerts/{alert}/acknowledge", Role.operator, AcknowledgeAlert.class, 200),
            get("/reclaims", Role.viewer, ListReclaims.class),
            get("/regions", Role.viewer, ListRegions.class),
            get("/instance-overviews", Role.viewer, ListInstanceOverviews.class),

            // the agent protocol (docs/design/agents.md): agent tokens only, and agent tokens nowhere else
            post("/agent/announce", Role.agent, AnnounceAgent.class, 200),
            post("/agent/claims", Role.agent, ClaimAgentJob.class, 200),
            post("/agent/heartbeats", Role.agent, HeartbeatAgent.class, 200),
            post("/agent/jobs/{job}/report", Role.agent, ReportAgentJob.class, 200),
            post("/agent/jobs/{job}/finish", Role.agent, FinishAgentJob.class, 200),
            post("/agent/jobs/{job}/interrupted-point", Role.agent, AdoptInterruptedPoint.class, 200),
            post("/agent/release", Role.agent, ReleaseAgentHost.class, 200));

    private Endpoints() {
    }

    /**
     * The endpoint that carries this operation record: the first of its class whose path parameters the record
     * gives (so {@code ListPoints} of one instance and of all go to different paths).
     */
    public static Endpoint of(Record operation) {
        return ALL.stream().filter(e -> e.operation() == operation.getClass())
                .filter(e -> e.pathParameters().stream().allMatch(name -> RecordFields.value(operation, name) != null))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no endpoint for " + operation));
    }

    public static Optional<Endpoint> find(Class<?> operation) {
        return ALL.stream().filter(e -> e.operation() == operation).findFirst();
    }

    private static Endpoint get(String path, Role role, Class<?> operation) {
        return new Endpoint("GET", PREFIX + path, role, operation, 200, null);
    }

    private static Endpoint post(String path, Role role, Class<?> operation, int status) {
        return new Endpoint("POST", PREFIX + path, role, operation, status, null);
    }

    private static Endpoint delete(String path, Role role, Class<?> operation) {
        return new Endpoint("DELETE", PREFIX + path, role, operation, 200, null);
    }
}
