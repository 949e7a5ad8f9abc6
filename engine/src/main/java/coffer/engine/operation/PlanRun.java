package coffer.engine.operation;

/**
 * Which run of a plan a backup is (set by the scheduler only): the plan, its policy, the slot it runs for,
 * how many missed slots were folded into it, and the interrupted job it repeats (null when none).
 */
public record PlanRun(String id, String policy, String slot, long coalesced, String retryOf) {
    public PlanRun {
        if (id == null || id.isBlank() || policy == null || policy.isBlank()) {
            throw new IllegalArgumentException("plan: a plan's run names its plan (id) and its policy");
        }
    }

    public PlanRun retrying(String jobId) {
        return new PlanRun(id, policy, slot, coalesced, jobId);
    }
}
