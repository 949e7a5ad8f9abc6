package coffer.engine.catalog;

import java.time.Instant;

/**
 * A protection plan: the protected instance {@code instanceId} bound to the policy {@code policyId}. The
 * scheduler runs it at {@code nextRun} (persisted, already staggered) while it is {@link State#active}.
 * {@code lastOutcome} is what last happened to it: its run queued ({@code Queued}) and how that run ended
 * ({@code Succeeded}, or the job's error code such as {@code Cancelled}), or what the scheduler had to say
 * ({@code PlanSuspended} when a run was due while suspended, {@code InstanceReleased} when it stopped the
 * plan); null when nothing.
 */
public record Plan(String id, String name, String instanceId, String policyId, State state, Instant nextRun,
                   Instant createdAt, Instant updatedAt, Instant lastRunAt, String lastJobId, Outcome lastOutcome) {

    /** active: runs on schedule; suspended: due runs are skipped (PlanSuspended); stopped: instance released. */
    public enum State { active, suspended, stopped }

    /** A code ({@code Queued}, {@code Succeeded} or an {@link coffer.engine.error.ErrorCode} name), its message, and when. */
    public record Outcome(String code, String message, Instant at) {
        public static final String QUEUED = "Queued";
        public static final String SUCCEEDED = "Succeeded";
    }
}
