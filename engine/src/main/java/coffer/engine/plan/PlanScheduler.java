package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Plan;
import coffer.engine.catalog.Plans;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Turns plans' persisted next-run times into backup jobs. Each {@link #tick}, for every plan not stopped:
 * {@link RunDecision#decide} on the plan's staggered schedule at the clock's now; when a run is due,
 * <ul>
 * <li>the instance is gone (refresh no longer finds the domain): the plan stops with {@code InstanceReleased};</li>
 * <li>the plan is suspended: nothing runs, the next run moves on and the plan shows {@code PlanSuspended};</li>
 * <li>else one backup job is queued and the next run saved, in one transaction, conditional on the next run
 * read ({@link coffer.engine.catalog.Plans#queueRuns}: a page of up to {@value #PAGE} plans' runs per transaction,
 * each conditional on its own plan).</li>
 * </ul>
 * A restart (or a second scheduler on the same catalog) re-reads the persisted time, so a slot is run
 * once: never skipped, never doubled; slots missed while nothing ticked are folded into one catch-up run.
 * The per-host job limit is the job runner's. Thread-safe (stateless apart from its collaborators).
 */
public final class PlanScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(PlanScheduler.class);

    /** What one tick did, and when it began (its clock's now, which decided the runs). */
    public record Tick(List<Job> queued, int suspendedSkipped, int stopped, Instant began) {
    }

    /** How many plans a tick decides between two checks of its lead. */
    static final int LEAD_CHECK_EVERY = 100;
    /**
     * How many plans a tick reads in one page, and so the most due runs it queues in one transaction; its first page
     * is {@value #FIRST_PAGE} plans, each next one twice the one before up to this, so the first runs are queued soon.
     */
    static final int PAGE = 200;
    static final int FIRST_PAGE = 25;

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
        return tick(() -> true);
    }

    /**
     * A tick that asks {@code leading} every {@value #LEAD_CHECK_EVERY} plans whether this server still leads, and
     * stops when it does not: a tick over thousands of plans takes seconds, and asking also keeps the lead's session
     * from idling out ({@link coffer.engine.catalog.Leadership}) while it runs.
     *
     * <p>The plans are read a page at a time ({@link Plans#duePage}: the due ones and those with a run to retry, by
     * next run then id), each page's instances and protections with it, and each page's due runs are queued before the
     * next page is read: the first runs of a slot shared by thousands of plans are queued after one small page's reads,
     * not after every plan's (docs/design/scheduler.md, "A tick at scale").
     */
    public Tick tick(BooleanSupplier leading) {
        Instant now = clock.instant(); // before the plans are read: a tick's time is when it began
        List<Plan> page = catalog.plans().duePage(now, INTERRUPTED_CODES, null, FIRST_PAGE);
        Decisions decisions = new Decisions(leading, now);
        for (int size = FIRST_PAGE; decisions.decide(page) && page.size() == size; ) {
            size = Math.min(size * 2, PAGE);
            page = catalog.plans().duePage(now, INTERRUPTED_CODES, page.getLast(), size);
        }
        return decisions.tick();
    }

    /**
     * A tick on plans read before: what another scheduler wrote since is found by the conditional writes, not
     * by reading again (tests give two schedulers the same plans to decide the same slots and retries).
     */
    Tick tick(List<Plan> plans) {
        Decisions decisions = new Decisions(() -> true, clock.instant());
        for (int from = 0; from < plans.size(); from += PAGE) {
            if (!decisions.decide(plans.subList(from, Math.min(plans.size(), from + PAGE)))) {
                break;
            }
        }
        return decisions.tick();
    }

    /** One tick's decisions, page after page, and what they did. */
    private final class Decisions {
        private final BooleanSupplier leading;
        private final Instant now;
        private final List<Job> queued = new ArrayList<>();
        private Map<String, StoredPolicy> policies;
        private int skipped;
        private int stopped;
        private int decided;

        Decisions(BooleanSupplier leading, Instant now) {
            this.leading = leading;
            this.now = now;
        }

        Tick tick() {
            return new Tick(queued, skipped, stopped, now);
        }

        /**
         * Decides the plans of one page and queues its due runs in one transaction; false when this server lost the
         * lead on the way (the runs decided before are queued, the rest are the new holder's).
         */
        boolean decide(List<Plan> page) {
            if (policies == null) { // once per tick, after its first page: a tick that queues nothing reads two things
                policies = catalog.policies().list().stream().collect(Collectors.toMap(StoredPolicy::id, p -> p));
            }
            PageRows rows = new PageRows(catalog, page);
            List<Plans.DueRun> due = new ArrayList<>();
            boolean leads = true;
            for (Plan plan : page) {
                if (++decided % LEAD_CHECK_EVERY == 0 && !leading.getAsBoolean()) {
                    LOG.warn("lost the lead after deciding {} plans; the new holder decides the rest", decided - 1);
                    leads = false;
                    break;
                }
                decide(plan, rows, due);
            }
            queue(due, now, queued);
            return leads;
        }

        private void decide(Plan plan, PageRows rows, List<Plans.DueRun> due) {
            if (plan.state() == Plan.State.stopped) {
                return;
            }
            try {
                StoredPolicy policy = policies.get(plan.policyId());
                if (policy == null) {
                    return; // a policy in use cannot be deleted; a concurrent rebind is seen next tick
                }
                RunDecision decision = RunDecision.decide(effectiveSchedule(plan.id(), policy.policy().schedule()),
                        plan.nextRun(), now);
                if (!decision.runs()) {
                    retryInterrupted(plan, policy, rows, now).ifPresent(queued::add);
                    return;
                }
                Optional<Instance> instance = Optional.ofNullable(rows.instances().get(plan.instanceId()));
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
                    due.add(new Plans.DueRun(plan.id(), plan.nextRun(), decision.nextRun(),
                            backup(rows.protections().get(plan.instanceId()), plan, policy,
                                    decision.runFor().orElseThrow().toString(), decision.coalesced()),
                            instance.get().hostId()));
                }
            } catch (RuntimeException e) {
                LOG.warn("plan {} ({}): the scheduler could not decide its run: {}", plan.name(), plan.id(), e.getMessage());
            }
        }
    }

    /**
     * Queues the due runs gathered ({@link Plans#queueRuns}: one transaction, batched statements) and empties the
     * list. When that fails, none of them is queued and their plans' next runs stay: the next tick decides them again.
     */
    private void queue(List<Plans.DueRun> due, Instant now, List<Job> queued) {
        if (due.isEmpty()) {
            return;
        }
        try {
            queued.addAll(catalog.plans().queueRuns(List.copyOf(due), now));
        } catch (RuntimeException e) {
            LOG.warn("the scheduler could not queue {} due run(s) (they are decided again at the next tick): {}",
                    due.size(), e.getMessage());
        } finally {
            due.clear();
        }
    }

    /**
     * The instances and protections of one page's plans, read when a plan of the page first needs them (a run due or an
     * interrupted run to retry; two statements for the instances with their disks, one for the protections), so a page
     * that queues nothing reads neither. Until session 26 a tick read every instance and protection before its first
     * run was queued (docs/performance.md, "Scheduler").
     */
    private static final class PageRows {
        private final Catalog catalog;
        private final List<String> instanceIds;
        private Map<String, Instance> instances;
        private Map<String, Protection> protections;

        PageRows(Catalog catalog, List<Plan> page) {
            this.catalog = catalog;
            this.instanceIds = page.stream().map(Plan::instanceId).distinct().toList();
        }

        Map<String, Instance> instances() {
            if (instances == null) {
                instances = catalog.instances().find(instanceIds).stream()
                        .collect(Collectors.toMap(Instance::id, i -> i, (a, b) -> a));
            }
            return instances;
        }

        Map<String, Protection> protections() {
            if (protections == null) {
                protections = catalog.protections().ofInstances(instanceIds).stream()
                        .collect(Collectors.toMap(Protection::instanceId, p -> p, (a, b) -> a));
            }
            return protections;
        }
    }

    /** The earliest next run of a plan not stopped: {@link LeadingScheduler} ticks when it comes. */
    public Optional<Instant> earliestNextRun() {
        return catalog.plans().earliestNextRun();
    }

    /**
     * A plan's run cut short by its server (a stop cancels it with "server stopping"; a kill -9 leaves it to be
     * failed WorkerLost at the next start) is run once more for the same slot, so a restart does not skip it.
     * A backup is safe to repeat: the next run cleans what the interrupted one left. A retry is not retried.
     * The retry is queued only while the plan's last run is still the interrupted one
     * ({@link coffer.engine.catalog.Plans#queueRetry}), so of several schedulers that read the plan, one queues it.
     * Only a plan whose last outcome is such an end is looked at further (the job's end is recorded on its plan). A run
     * whose point was committed before it was lost and adopted since ({@link LostPoints}: a point row names the job) is
     * not run again: its slot has its point.
     */
    private Optional<Job> retryInterrupted(Plan plan, StoredPolicy policy, PageRows rows, Instant now) {
        if (plan.state() != Plan.State.active || plan.lastJobId() == null || plan.lastOutcome() == null
                || !INTERRUPTED_CODES.contains(plan.lastOutcome().code())) {
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
        String lostJob = last.get().id();
        if (catalog.points().listByInstance(plan.instanceId()).stream().anyMatch(p -> lostJob.equals(p.jobId()))) {
            return Optional.empty(); // it committed its point before it was lost, adopted since (LostPoints): slot done
        }
        Instance instance = rows.instances().get(plan.instanceId());
        if (instance == null || instance.gone()) {
            return Optional.empty(); // the next due run stops the plan with InstanceReleased
        }
        BackupInstance again = backup(rows.protections().get(plan.instanceId()), plan, policy, run.slot(), run.coalesced());
        again = new BackupInstance(again.instance(), again.vault(), again.disks(), again.retentionDays(), again.appConsistent(),
                again.replicate(), again.replicateTo(), again.plan().retrying(last.get().id()), null);
        Optional<Job> retry = catalog.plans().queueRetry(plan.id(), last.get().id(), again, instance.hostId(), now);
        retry.ifPresent(j -> LOG.info("plan {}: its {} run was interrupted by a server stop ({}); run again as job {}",
                plan.name(), run.slot(), last.get().errorCode(), j.id()));
        return retry;
    }

    private static final Set<String> INTERRUPTED_CODES = Set.of(ErrorCode.WorkerLost.name(),
            ErrorCode.Cancelled.name());

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
    static BackupInstance backup(Protection protection, Plan plan, StoredPolicy policy, String slot, long coalesced) {
        return new BackupInstance(plan.instanceId(), protection == null ? null : protection.vault(),
                protection == null || protection.allDisks() ? null : protection.disks(), null,
                policy.policy().consistency(), false, null, new PlanRun(plan.id(), policy.id(), slot, coalesced, null), null);
    }
}
