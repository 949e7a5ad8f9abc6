package coffer.engine.operation;

/**
 * An operation answered at once: a query, or a change of policies, plans, points, protections, groups, tokens
 * or jobs. {@code R} is its result record. Long operations (backups, restores, clones) are {@link JobOperation}s.
 * Every record checks its values in its constructor and reports every problem at once.
 */
public sealed interface Operation<R> permits ListHosts, RefreshHost, ListInstances, ShowInstance,
        ListProtections, Protect, StopProtection,
        ListPoints, ShowPoint, DeletePoint, ShowRetention, ChangeRetention, SweepRetention,
        ListJobs, ShowJob, ShowJobLog, CancelJob,
        ShowCapacity, ListTokens, CreateToken, RevokeToken, ListVaults, RebuildCatalog,
        ListPolicies, ShowPolicy, CreatePolicy, EditPolicy, DeletePolicy,
        ListPlans, ShowPlan, BindPlan, EditPlan, DeletePlan, RunPlan, SuspendPlan, ResumePlan,
        ListGroups, ShowGroup, CreateGroup, DeleteGroup, ListGroupPoints,
        ListMounts, ListFilesystems, ListFiles, ListExports, DeleteExport,
        ListVerifyRuns, ListDrills, ListAlerts, AcknowledgeAlert, ListReclaims,
        AnnounceAgent, ClaimAgentJob, HeartbeatAgent, ReportAgentJob, FinishAgentJob,
        AdoptInterruptedPoint, ReleaseAgentHost,
        ListRegions,
        ListInstanceOverviews {
}
