package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.error.CofferException;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.job.JobType;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.BackupResult;
import coffer.engine.operation.PlanRun;
import coffer.engine.replication.ReplicationQueue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Wraps the backup handler: after a plan's run (its record carries the {@link coffer.engine.operation.PlanRun}),
 * marks the new point as the plan's (origin POLICY, immutable when its policy is); after every successful backup
 * (a plan's or a manual one) it sweeps the instance's expired points. A failing sweep is a warning on the job,
 * never a failed backup. Then it queues the replication the backup asks for (its plan's policy's rule, or a
 * person's {@code replicateTo}; {@link ReplicationQueue}): a replication that cannot be queued is a warning on the
 * backup's job and the point shows no replication, never a failed backup. The retry of an interrupted plan's run
 * first looks for the point the interrupted run committed before its worker was lost ({@link LostPoints}): found, the
 * retry ends with it and does not back up the slot again. Thread-safe.
 */
public final class PlanBackup implements JobHandler<BackupInstance, BackupResult> {
    private final JobHandler<BackupInstance, BackupResult> backup;
    private final Catalog catalog;
    private final RetentionSweep sweep;
    private final ReplicationQueue replications;
    /** Null: a retry of an interrupted run backs up again without looking for the point the interrupted one made. */
    private final LostPoints lost;

    public PlanBackup(JobHandler<BackupInstance, BackupResult> backup, Catalog catalog, RetentionSweep sweep,
                      ReplicationQueue replications) {
        this(backup, catalog, sweep, replications, null);
    }

    /**
     * With {@code lost}: the retry of a plan's run interrupted after its vault's commit adopts the interrupted run's
     * point ({@link LostPoints}) and does not back up that slot again.
     */
    public PlanBackup(JobHandler<BackupInstance, BackupResult> backup, Catalog catalog, RetentionSweep sweep,
                      ReplicationQueue replications, LostPoints lost) {
        this.backup = backup;
        this.catalog = catalog;
        this.sweep = sweep;
        this.replications = replications;
        this.lost = lost;
    }

    /** Only the steps after a backup ({@link #afterBackup}), for a server ending an agent's backup job. */
    public static PlanBackup afterSteps(Catalog catalog, RetentionSweep sweep, ReplicationQueue replications) {
        return new PlanBackup((operation, job, context) -> {
            throw new IllegalStateException("the backup itself runs on the agent");
        }, catalog, sweep, replications);
    }

    /** The handlers with the backup handler wrapped. */
    public static Map<JobType, JobHandler<?, ?>> wrap(Map<JobType, JobHandler<?, ?>> handlers, Catalog catalog,
                                                   RetentionSweep sweep, ReplicationQueue replications) {
        return wrap(handlers, catalog, sweep, replications, null);
    }

    /** The handlers with the backup handler wrapped; a retry adopts the interrupted run's point ({@code lost}). */
    @SuppressWarnings("unchecked")
    public static Map<JobType, JobHandler<?, ?>> wrap(Map<JobType, JobHandler<?, ?>> handlers, Catalog catalog,
                                                   RetentionSweep sweep, ReplicationQueue replications,
                                                   LostPoints lost) {
        Map<JobType, JobHandler<?, ?>> wrapped = new HashMap<>(handlers);
        wrapped.put(JobType.backup, new PlanBackup((JobHandler<BackupInstance, BackupResult>) handlers.get(JobType.backup),
                catalog, sweep, replications, lost));
        return Map.copyOf(wrapped);
    }

    @Override
    public BackupResult run(BackupInstance operation, Job job, JobContext context) throws Exception {
        Optional<BackupResult> done = pointOfInterruptedRun(operation, context);
        if (done.isPresent()) {
            return done.get();
        }
        BackupResult result = backup.run(operation, job, context);
        afterBackup(operation, result, job, context);
        return result;
    }

    /**
     * For the retry of an interrupted plan's run: the point the interrupted run committed in the vault before its
     * worker was lost, adopted if the catalog lacks it (with the steps after a backup, logged on the interrupted job);
     * empty when it committed none, and then the slot is backed up now (docs/design/catalog.md).
     */
    private Optional<BackupResult> pointOfInterruptedRun(BackupInstance operation, JobContext context) {
        PlanRun run = operation.plan();
        if (lost == null || run == null || run.retryOf() == null) {
            return Optional.empty();
        }
        Optional<coffer.engine.job.Job> interrupted = catalog.jobs().find(run.retryOf());
        if (interrupted.isEmpty() || !LostPoints.lostBackup(interrupted.get())) {
            return Optional.empty();
        }
        List<LostPoints.Adopted> points = lost.adopt(interrupted.get());
        if (points.isEmpty()) {
            return Optional.empty();
        }
        LostPoints.Adopted point = points.getLast();
        context.info("the interrupted run of this slot (job " + run.retryOf() + ") committed point " + point.point().id()
                + " before its worker was lost" + (point.adoptedNow() ? "; adopted into the catalog" : "")
                + "; the slot is not backed up again");
        return Optional.of(BackupResult.ofManifest(point.point()));
    }

    /**
     * The steps after a successful backup, on the catalog: a plan's point marked, retention swept, replication queued.
     * A server runs them after an agent's backup ended (docs/design/agents.md), before it ends the job.
     */
    public void afterBackup(BackupInstance operation, BackupResult result, Job job, JobContext context) {
        PlanRun run = operation.plan();
        if (run != null) {
            boolean immutable = catalog.policies().find(run.policy()).map(StoredPolicy::policy).map(p -> p.immutable())
                    .orElse(false);
            // the backup handler wrote the row marked (Points.upsertOfPlan); marked again for one that did not
            catalog.pointRetentions().markPolicy(result.point(), run.id(), run.policy(), immutable);
            if (immutable && !sweep.holdInVault(result.point())) {
                context.warning("the vault could not record that point " + result.point()
                        + " is immutable (the catalog still refuses to delete it; see the server log)");
            }
            context.info("point " + result.point() + " made by plan " + run.id() + " for its " + run.slot() + " run"
                    + (run.coalesced() > 0 ? " (" + run.coalesced() + " missed run(s) folded into it)" : "")
                    + (immutable ? "; immutable until it expires" : ""));
        }
        try {
            RetentionSweep.Report report = sweep.sweep(job.target());
            if (!report.deleted().isEmpty()) {
                context.info("retention deleted " + report.deleted().size() + " expired point(s): " + report.deleted());
            }
            report.failures().forEach(f -> context.warning("retention: " + f));
        } catch (RuntimeException e) {
            context.warning("retention could not run after the backup: " + e.getMessage());
        }
        try {
            replications.afterBackup(operation, result.point(), job.hostId()).ifPresent(queued -> context.info(
                    "replication of point " + result.point() + " queued as job " + queued.id()));
        } catch (CofferException e) {
            context.warning("the replication of point " + result.point() + " could not be queued: [" + e.code() + "] "
                    + e.getMessage());
        }
    }
}
