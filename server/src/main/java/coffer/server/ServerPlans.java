package coffer.server;

import coffer.engine.TestPeriods;
import coffer.engine.catalog.Catalog;
import coffer.engine.operation.hosted.HostedOperations;
import coffer.engine.plan.LeadingScheduler;
import coffer.engine.plan.LostPoints;
import coffer.engine.plan.PlanBackup;
import coffer.engine.plan.PlanBinding;
import coffer.engine.plan.PlanScheduler;
import coffer.engine.plan.PointLifecycle;
import coffer.engine.plan.RetentionSweep;
import coffer.engine.policy.Stagger;
import coffer.engine.replication.Regions;
import coffer.engine.replication.ReplicationQueue;
import coffer.engine.vault.VaultDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server's plans at work: the scheduler ticks every {@value #TICK_SECONDS} s and retention sweeps every
 * {@value #SWEEP_MINUTES} minutes (and after each backup, see {@link coffer.engine.plan.PlanBackup}), and failed
 * replications whose retry is due are queued again every {@value #TICK_SECONDS} s ({@link ReplicationQueue#retryDue}),
 * and the points of lost backup jobs that only their vault holds are adopted ({@link LostPoints#sweep}: by every server
 * at its start, before its scheduler's first tick, then by the leader every {@value #TICK_SECONDS} s), on one background thread, with the server's clock. Of several servers on one catalog only the one holding the
 * lead "scheduler" does any of them ({@link LeadingScheduler}, polled every {@value #LEAD_POLL_SECONDS} s, so a
 * standby takes over within seconds of its holder's death, and by its holder at the moment a plan's next run comes). Both are also callable directly
 * ({@link #scheduler()}, {@link #retention()}): tests drive them on a simulated clock. Thread-safe.
 */
public final class ServerPlans implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerPlans.class);
    static final long TICK_SECONDS = 30;
    static final long SWEEP_MINUTES = 10;
    static final long LEAD_POLL_SECONDS = 1;

    private final PlanScheduler scheduler;
    private final RetentionSweep retention;
    private final PointLifecycle points;
    private final PlanBinding binding;
    private final ReplicationQueue replications;
    private final LeadingScheduler leading;
    private final LostPoints lost;
    /** {@link #TICK_SECONDS}, or what a test set ({@link TestPeriods}). */
    private final long tickSeconds = TestPeriods.of(TestPeriods.TICK, Duration.ofSeconds(TICK_SECONDS)).toSeconds();
    private ScheduledExecutorService timer;

    ServerPlans(Catalog catalog, VaultDirectory vaults, Regions regions, Clock clock, RetentionSweep.Deletions deletions) {
        this.replications = new ReplicationQueue(catalog, vaults, regions, clock);
        this.scheduler = new PlanScheduler(catalog, clock, Stagger.DEFAULT);
        this.leading = new LeadingScheduler(scheduler, catalog.leadership("scheduler"), Duration.ofSeconds(tickSeconds));
        this.retention = new RetentionSweep(catalog, vaults, clock, deletions);
        this.points = new PointLifecycle(catalog, vaults, clock, deletions);
        this.binding = new PlanBinding(catalog, scheduler, points);
        this.lost = new LostPoints(catalog, vaults, PlanBackup.afterSteps(catalog, retention, replications), clock);
    }

    synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coffer-scheduler");
            t.setDaemon(true);
            return t;
        });
        // first, on this one thread: the points of the jobs the runner has just failed as lost are adopted before the
        // scheduler's first tick decides whether their plans' runs are run again (docs/design/catalog.md)
        timer.execute(() -> guarded("adoption of lost points", lost::sweep));
        // every second, and at the moment a plan's next run comes while this server leads (LeadingScheduler.pollOn)
        leading.pollOn(timer, Duration.ofSeconds(1), Duration.ofSeconds(LEAD_POLL_SECONDS), tick -> { });
        timer.scheduleWithFixedDelay(() -> guarded("replication retries", () -> {
            if (leading.leading()) {
                replications.retryDue();
            }
        }), 1, tickSeconds, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(() -> guarded("retention sweep", () -> {
            if (leading.leading()) {
                retention.sweepAll();
            }
        }), SWEEP_MINUTES, SWEEP_MINUTES, TimeUnit.MINUTES);
        timer.scheduleWithFixedDelay(() -> guarded("adoption of lost points", () -> {
            if (leading.leading()) {
                lost.sweep();
            }
        }), tickSeconds, tickSeconds, TimeUnit.SECONDS);
    }

    private static void guarded(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.warn("{} failed: {}", what, e.getMessage());
        }
    }

    public PlanScheduler scheduler() {
        return scheduler;
    }

    public RetentionSweep retention() {
        return retention;
    }

    public PointLifecycle points() {
        return points;
    }

    /** The replication jobs: queued after backups, on request, and again when a failed one's retry is due. */
    public ReplicationQueue replications() {
        return replications;
    }

    /** The adoption of points lost jobs committed (shared with the job runner's backup handler: one per server). */
    public LostPoints lostPoints() {
        return lost;
    }

    public PlanBinding binding() {
        return binding;
    }

    /** The operations the API answers, on this server's catalog, plans and retention. */
    HostedOperations operations(Catalog catalog, VaultDirectory vaults, HostedOperations.Settings settings) {
        return new HostedOperations(catalog, vaults, scheduler, binding, points, retention, settings);
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        leading.close();
    }
}
