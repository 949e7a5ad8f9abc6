package coffer.server;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Leadership;
import coffer.engine.drill.DrillBudget;
import coffer.engine.assurance.DrillScheduler;
import coffer.engine.job.handler.JobHandlers;
import coffer.engine.plan.RetentionSweep;
import coffer.engine.reclaim.ReclaimHistory;
import coffer.engine.reclaim.SpaceReclaim;
import coffer.engine.vault.VaultDirectory;
import coffer.engine.assurance.VerifyScheduler;
import coffer.server.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server's assurance at work (docs/design/assurance.md, docs/server.md "Assurance"): every
 * {@value #TICK_SECONDS} s the verify schedule and the drill schedule queue the jobs that are due (on the one server
 * that holds the catalog's "assurance" lead, when several share it); every
 * {@value #RECLAIM_SECONDS} s the reclaim loop runs the due gc step of each vault, on a thread of its own (a step may
 * hold a vault's lock for its sweep budget; the schedules never wait for it). Retention and point deletes tell the
 * reclaim of each deletion ({@link #deletions}). The schedules and the loop are also callable directly: tests drive
 * them. Thread-safe; start once, close once.
 */
public final class ServerAssurance implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerAssurance.class);
    static final long TICK_SECONDS = 30;
    static final long RECLAIM_SECONDS = 5;

    private final ServerConfig.Assurance settings;
    private final VerifyScheduler verify;
    private final DrillScheduler drills;
    private final ReclaimHistory reclaim;
    private final DrillBudget budget;
    /** Several servers on one catalog: only the leader queues scheduled verifies and drills. */
    private final Leadership leadership;
    private ScheduledExecutorService schedules;
    private ScheduledExecutorService reclaimLoop;

    ServerAssurance(Catalog catalog, VaultDirectory vaults, ServerConfig.Assurance settings, Clock clock) {
        this.settings = settings;
        this.verify = new VerifyScheduler(catalog, vaults, settings.verify(), settings.quarantine(), clock);
        this.drills = new DrillScheduler(catalog, settings.drillEvery(), settings.drillCheck(), clock); // policies' drills too
        this.reclaim = settings.reclaim() == null ? null
                : new ReclaimHistory(new SpaceReclaim(vaults, settings.reclaim(), clock), vaults);
        this.budget = new DrillBudget(settings.drills().perHost());
        this.leadership = catalog.leadership("assurance");
    }

    /** What retention and deletes tell of each deleted point: its vault's space is reclaimed on time. */
    RetentionSweep.Deletions deletions() {
        return reclaim == null ? RetentionSweep.Deletions.NONE : reclaim.reclaim()::noteDeleted;
    }

    /** The job handlers' assurance settings: one drill budget for every drill job of this server. */
    JobHandlers.Assurance jobs() {
        return new JobHandlers.Assurance(settings.verify(), settings.drills(), budget, settings.alerts());
    }

    synchronized void start() {
        schedules = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "coffer-assurance"));
        schedules.scheduleWithFixedDelay(() -> guarded("verify and drill schedules", () -> {
            if (leadership.lead()) {
                verify.tick();
                drills.tick();
            }
        }), 1, TICK_SECONDS, TimeUnit.SECONDS);
        if (reclaim != null) {
            reclaimLoop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "coffer-reclaim"));
            reclaimLoop.scheduleWithFixedDelay(() -> guarded("space reclaim", reclaim::tick), RECLAIM_SECONDS,
                    RECLAIM_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void guarded(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.warn("{} failed: {}", what, e.getMessage());
        }
    }

    public VerifyScheduler verifySchedule() {
        return verify;
    }

    /** The drill schedule: policies' drill rules, and the server's own ({@code assurance.drills.every}). */
    public DrillScheduler drillSchedule() {
        return drills;
    }

    /** The reclaim loop; empty when turned off ({@code assurance.reclaim.enabled: false}). */
    public Optional<ReclaimHistory> reclaim() {
        return Optional.ofNullable(reclaim);
    }

    /** What the reclaim loop did, per vault (empty when it is off). */
    public List<ReclaimHistory.VaultReclaim> reclaimReport() {
        return reclaim == null ? List.of() : reclaim.report();
    }

    @Override
    public synchronized void close() {
        if (schedules != null) {
            schedules.shutdownNow();
            try {
                schedules.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        leadership.close();
        if (reclaimLoop != null) {
            reclaimLoop.shutdownNow();
            try {
                reclaimLoop.awaitTermination(30, TimeUnit.SECONDS); // a step in its sweep ends before the vaults close
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
