package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Plan;
import coffer.engine.catalog.Protection;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.policy.RunDecision;
import coffer.engine.policy.Schedule;
import coffer.engine.policy.Stagger;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.PlanRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns plans' persisted next-run times into backup jobs. Each {@link #tick}, for every plan not stopped:
 * {@link RunDecision#decide} on the plan's staggered schedule at the clock's now; when a run is due,
 * <ul>
 * <li>the instance is gone (refresh no longer finds the domain): the plan stops with {@code InstanceReleased};</li>
 * <li>the plan is suspended: nothing runs, the next run moves on and the plan shows {@code PlanSuspended};</li>
 * <li>else one backup job is queued and the next run saved, in one transaction, conditional on the next run
 * read ({@link coffer.engine.catalog.Plans#queueRun}).</li>
 * </ul>
 * A restart (or a second scheduler on the same catalog) re-reads the persisted time, so a slot is run
 * once: never skipped, never doubled; slots missed while nothing ticked are folded into one catch-up run.
 * The per-host job limit is the job runner's. Thread-safe (stateless apart from its collaborators).
 */
public final class PlanScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(PlanScheduler.class);

    /** What one tick did. */
    public record Tick(List<Job> queued, int suspendedSkipped, int stopped) {
    }

    private final Catalog catalog;
    private final Clock clock;
    private final Stagger stagger;

    public PlanScheduler(Catalog catalog, Clock clock, Stagger stagger) {
        this.catalog = catalog;
        this.clock = clock;
        this.stagger = stagger;
    }

    public Clock clock() {
        return clock;
    }

    /** The plan's schedule as the scheduler runs it: the policy's, moved by the plan's stagger offset. */
    public Schedule effectiveSchedule(String planId, Schedule policySchedule) {
        return policySchedule.shiftedBy(stagger.offset(planId, policySchedule.interval()));
    }

    /** The first run of a new (or rebound) plan: the first slot at or after now. */
    public Instant firstRun(String planId, Schedule policySchedule) {
        return effectiveSchedule(planId, policySchedule).nextAfter(clock.instant().minusSeconds(1));
    }

    /** The next run after a resume or an edit: the first slot after now (time spent suspended is not caught up). */
    public Instant nextRun(String planId, Schedule policySchedule) {
        return effectiveSchedule(planId, policySchedule).nextAfter(clock.instant());
    }

    public Tick tick() {
        Instant now = clock.instant();
        List<Job> queued = new ArrayList<>();
        int skipped = 0;
        int stopped = 0;
        for (Plan plan : catalog.plans().list()) {
            if (plan.state() == Plan.State.stopped) {
                continue;
            }
            try {
                Optional<StoredPolicy> policy = catalog.policies().find(plan.policyId());
                if (policy.isEmpty()) {
                    continue; // a policy in use cannot be deleted; a concurrent rebind is seen next tick
                }
                RunDecision decision = RunDecision.decide(effectiveSchedule(plan.id(), policy.get().policy().schedule()),
                        plan.nextRun(), now);
                if (!decision.runs()) {
                    retryInterrupted(plan, policy.get(), now).ifPresent(queued::add);
                    continue;
                }
                Optional<Instance> instance = catalog.instances().find(plan.instanceId());
                if (instance.isEmpty() || instance.get().gone()) {
                    if (catalog.plans().stop(plan.id(), released(plan, instance, now))) {
                        stopped++;
                    }
                } else if (plan.state() == Plan.State.suspended) {
                    if (catalog.plans().skipSuspended(plan.id(), plan.nextRun(), decision.nextRun(), new Plan.Outcome(
                            ErrorCode.PlanSuspended.name(), "a run was due at " + decision.runFor().orElseThrow()
                            + " while the plan is suspended; it was not started", now))) {
                        skipped++;
                    }
                } else {
                    catalog.plans().queueRun(plan.id(), plan.nextRun(), decision.nextRun(),
                                    backup(plan, policy.get(), decision.runFor().orElseThrow().toString(), decision.coalesced()),
                                    instance.get().hostId(), now)
                            .ifPresent(queued::add);
                }
            } catch (RuntimeException e) {
                LOG.warn("plan {} ({}): the scheduler could not decide its run: {}", plan.name(), plan.id(), e.getMessage());
            }
        }
        return new Tick(queued, skipped, stopped);
    }

    /**
     * A plan's run cut short by its server (a stop cancels it with "server stopping"; a kill -9 leaves it to be
     * failed WorkerLost at the next start) is run once more for the same slot, so a restart does not skip it.
     * A backup is safe to repeat: the next run cleans what the interrupted one left. A retry is not retried.
     * With several servers two could queue the same retry (the catalog has no conditional write for it yet).
     */
    private Optional<Job> retryInterrupted(Plan plan, StoredPolicy policy, Instant now) {
        if (plan.state() != Plan.State.active || plan.lastJobId() == null) {
            return Optional.empty();
        }
        Optional<Job> last = catalog.jobs().find(plan.lastJobId());
        if (last.isEmpty() || !interruptedByItsServer(last.get())) {
            return Optional.empty();
        }
        PlanRun run = last.get().operation() instanceof BackupInstance b ? b.plan() : null;
        if (run == null || run.retryOf() != null) {
            return Optional.empty();
        }
        Optional<Instance> instance = catalog.instances().find(plan.instanceId());
        if (instance.isEmpty() || instance.get().gone()) {
            return Optional.empty(); // the next due run stops the plan with InstanceReleased
        }
        BackupInstance again = backup(plan, policy, run.slot(), run.coalesced());
        again = new BackupInstance(again.instance(), again.vault(), again.disks(), again.retentionDays(), again.appConsistent(),
                again.replicate(), again.replicateTo(), again.plan().retrying(last.get().id()), null);
        Optional<Job> retry = catalog.plans().queueNow(plan.id(), again, instance.get().hostId(), now);
        retry.ifPresent(j -> LOG.info("plan {}: its {} run was interrupted by a server stop ({}); run again as job {}",
                plan.name(), run.slot(), last.get().errorCode(), j.id()));
        return retry;
    }

    static boolean interruptedByItsServer(Job job) {
        return (job.state() == coffer.engine.job.JobState.failed && ErrorCode.WorkerLost.name().equals(job.errorCode()))
                || (job.state() == coffer.engine.job.JobState.cancelled && "server stopping".equals(job.errorMessage()));
    }

    static Plan.Outcome released(Plan plan, Optional<Instance> instance, Instant now) {
        String what = instance.map(i -> "instance " + i.name() + " (" + i.id() + ") no longer exists on host " + i.hostId())
                .orElse("instance " + plan.instanceId() + " is not in the catalog");
        return new Plan.Outcome(ErrorCode.InstanceReleased.name(), what + "; plan '" + plan.name()
                + "' no longer runs. " + ErrorCode.InstanceReleased.remedy(), now);
    }

    /**
     * The backup a plan's run makes: the same {@link BackupInstance} a person would ask for (the protection's
     * vault and disks, the policy's application-consistency settings), with the run ({@link PlanRun}) added.
     */
    BackupInstance backup(Plan plan, StoredPolicy policy, String slot, long coalesced) {
        return backup(catalog.protections().find(plan.instanceId()).orElse(null), plan, policy, slot, coalesced);
    }

    static BackupInstance backup(Protection protection, Plan plan, StoredPolicy policy, String slot, long coalesced) {
        return new BackupInstance(plan.instanceId(), protection == null ? null : protection.vault(),
                protection == null || protection.allDisks() ? null : protection.disks(), null,
                policy.policy().consistency(), false, null, new PlanRun(plan.id(), policy.id(), slot, coalesced, null), null);
    }
}
