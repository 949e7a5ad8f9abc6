package coffer.engine.assurance;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Plan;
import coffer.engine.catalog.Protection;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.Jobs;
import coffer.engine.operation.DrillInstance;
import coffer.engine.policy.DrillRule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;

/**
 * Restore drills on schedule (docs/design/assurance.md): a policy's drill rule for the instances of its plans, else the
 * server's own schedule ({@code every}, null: none). On each {@link #tick}, every protected instance with a point and a
 * drill period whose last drill job (passed, failed, or a person's) was queued that period ago or more, or never, gets
 * a drill job with the rule's check command (the same {@link DrillInstance} record a person's request makes). At most one scheduled drill per
 * host is queued or running at a time, so waiting drills never hold the host's job places that backups need (the
 * {@code DrillBudget} still bounds drills asked by people). The state is the catalog's jobs. Thread-safe.
 */
public final class DrillScheduler {
    private final Catalog catalog;
    private final Duration every;
    private final List<String> check;
    private final Clock clock;

    /**
     * {@code every}: how often the server drills each protected instance whose policy asks for no drills (null: never);
     * {@code check}: the command those drills run (empty: none).
     */
    public DrillScheduler(Catalog catalog, Duration every, List<String> check, Clock clock) {
        this.catalog = catalog;
        this.every = every;
        this.check = List.copyOf(check);
        this.clock = clock;
    }

    /** Queues the drills due now; returns them. */
    public synchronized List<Job> tick() {
        Instant now = clock.instant();
        Set<String> busyHosts = new HashSet<>();
        for (JobState state : List.of(JobState.queued, JobState.running)) {
            catalog.jobs().list(new Jobs.Filter(state, JobType.drill, null, null)).forEach(j -> busyHosts.add(j.hostId()));
        }
        Map<String, DrillRule> byPolicy = new HashMap<>();
        for (Plan plan : catalog.plans().list()) {
            catalog.policies().find(plan.policyId()).map(p -> p.policy().drill()).filter(DrillRule::enabled)
                    .ifPresent(rule -> byPolicy.put(plan.instanceId(), rule));
        }
        List<Job> queued = new ArrayList<>();
        for (Protection protection : catalog.protections().list()) {
            Instance instance = catalog.instances().find(protection.instanceId()).orElse(null);
            DrillRule policy = byPolicy.get(protection.instanceId());
            Duration period = policy != null ? policy.every() : every;
            List<String> command = policy != null ? policy.check() : check;
            if (period == null || instance == null || instance.gone() || busyHosts.contains(instance.hostId())
                    || catalog.points().listByInstance(instance.id()).isEmpty()) {
                continue;
            }
            boolean due = catalog.jobs().list(new Jobs.Filter(null, JobType.drill, instance.id(), 1)).stream()
                    .findFirst().map(last -> !last.createdAt().plus(period).isAfter(now)).orElse(true);
            if (due) {
                queued.add(catalog.jobs().submit(new DrillInstance(instance.id(), command), instance.hostId()));
                busyHosts.add(instance.hostId());
            }
        }
        return queued;
    }
}
