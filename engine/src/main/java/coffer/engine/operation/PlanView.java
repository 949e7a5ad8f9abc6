package coffer.engine.operation;

import coffer.engine.catalog.Plan;
import coffer.engine.error.ErrorCode;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * A protection plan: its instance and policy (with their names), state ({@code active}, {@code suspended},
 * {@code stopped}), next run (null when stopped), last run and job, and its last outcome with the remedy
 * ({@code Queued}, {@code Succeeded}, or an error code such as {@code PlanSuspended}, {@code InstanceReleased}).
 */
public record PlanView(String id, String name, String instance,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String instanceName, String policy,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String policyName, Plan.State state, Instant nextRun,
                       Instant lastRunAt, String lastJob, @JsonInclude(JsonInclude.Include.NON_NULL) Outcome lastOutcome,
                       Instant createdAt) {

    /** What last happened to the plan; {@code remedy} for an error code. */
    public record Outcome(String code, String message, Instant at, @JsonInclude(JsonInclude.Include.NON_NULL) String remedy) {
    }

    public static PlanView of(Plan p, String instanceName, String policyName) {
        Outcome outcome = null;
        if (p.lastOutcome() != null) {
            String remedy = null;
            try {
                remedy = ErrorCode.valueOf(p.lastOutcome().code()).apiRemedy();
            } catch (IllegalArgumentException notAnError) {
                // Queued, Succeeded: nothing to remedy
            }
            outcome = new Outcome(p.lastOutcome().code(), p.lastOutcome().message(), p.lastOutcome().at(), remedy);
        }
        return new PlanView(p.id(), p.name(), p.instanceId(), instanceName, p.policyId(), policyName, p.state(),
                p.state() == Plan.State.stopped ? null : p.nextRun(), p.lastRunAt(), p.lastJobId(), outcome, p.createdAt());
    }
}
