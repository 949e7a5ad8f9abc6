package coffer.engine.catalog;

import coffer.engine.job.Job;
import coffer.engine.job.JobType;
import coffer.engine.operation.JobOperation;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The protection plans. The scheduler's writes ({@link #queueRun}, {@link #skipSuspended}, {@link #stop})
 * are conditional on the plan's persisted next run, so of two schedulers deciding the same slot (two
 * servers, or one restarted) exactly one acts. Implementations MUST be thread-safe.
 */
public interface Plans {
    /**
     * Adds a plan (state active). {@code PlanExists} naming the current plan when the instance has one,
     * {@code NameTaken} when another plan has the name.
     */
    Plan create(String id, String name, String instanceId, String policyId, Instant nextRun);

    /** Binds the plan to another policy (active again, a new next run); empty when there is no such plan. */
    Optional<Plan> rebind(String id, String policyId, Instant nextRun);

    /** Renames a plan; {@code NameTaken} when another plan has the name. */
    Optional<Plan> rename(String id, String name);

    /** Sets the state, the next run and the outcome (null clears it); empty when there is no such plan. */
    Optional<Plan> setState(String id, Plan.State state, Instant nextRun, Plan.Outcome outcome);

    Optional<Plan> find(String id);

    /** By id, else by name. */
    Optional<Plan> resolve(String idOrName);

    Optional<Plan> findByInstance(String instanceId);

    List<Plan> list();

    /** One page of the plans {@code query} selects, by name then id, with the next page's cursor. */
    NamePage<Plan> page(PlanQuery query);

    List<Plan> listByPolicy(String policyId);

    /** How many plans each of these policies has (a policy with none: absent), counted in one statement. */
    java.util.Map<String, Integer> countByPolicies(java.util.Collection<String> policyIds);

    boolean delete(String id);

    /** Deletes the instance's plans (stop protection); returns how many. */
    int deleteByInstance(String instanceId);

    // ---- the scheduler ----

    /** The earliest next run of a plan that is not stopped; empty when there is none. */
    Optional<Instant> earliestNextRun();

    /**
     * One page of the plans a scheduler's tick at {@code now} decides: those not stopped whose next run has come, and
     * those not stopped whose last outcome is one of {@code outcomes} (a run to retry); by next run, then id, after
     * {@code after} (null: the first page), at most {@code limit}. One statement; a tick reads page after page from
     * the last plan of the page before, so the first runs of a slot are queued before the last plans are read.
     */
    List<Plan> duePage(Instant now, Collection<String> outcomes, Plan after, int limit);

    /**
     * In one transaction: queues the job and moves the plan's next run from {@code expectedNextRun} to
     * {@code nextRun}, recording the run. Nothing happens (empty) unless the plan is active and its next run
     * is still {@code expectedNextRun}.
     */
    Optional<Job> queueRun(String planId, Instant expectedNextRun, Instant nextRun, JobOperation<?> operation,
                           String hostId, Instant now);

    /** A due run of an active plan, as {@link #queueRun} takes it. */
    record DueRun(String planId, Instant expectedNextRun, Instant nextRun, JobOperation<?> operation, String hostId) {
    }

    /**
     * {@link #queueRun} for many plans at once, in one transaction (statements sent in batches): each run is
     * queued, with its plan's next run moved, only if its plan is active and its next run is still the expected one.
     * Returns the jobs queued. A tick over thousands of plans due in one slot uses it.
     */
    List<Job> queueRuns(List<DueRun> runs, Instant now);

    /** Queues a job for the plan now ("run now") without touching its next run; the plan must be active. */
    Optional<Job> queueNow(String planId, JobOperation<?> operation, String hostId, Instant now);

    /**
     * Queues {@code operation} as the retry of the plan's interrupted run {@code interruptedJobId}, in one
     * transaction that also makes the retry the plan's last run. Nothing happens (empty) unless the plan is
     * active and its last run is still {@code interruptedJobId}: of two schedulers retrying the same run, one
     * queues it.
     */
    Optional<Job> queueRetry(String planId, String interruptedJobId, JobOperation<?> operation, String hostId, Instant now);

    /** A due run of a suspended plan: moves the next run on and records {@code outcome}, if still expected. */
    boolean skipSuspended(String planId, Instant expectedNextRun, Instant nextRun, Plan.Outcome outcome);

    /** Stops an active or suspended plan with {@code outcome} (the instance was released). */
    boolean stop(String planId, Plan.Outcome outcome);
}
