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
import java.util.Map;

/**
 * Wraps the backup handler: after a plan's run (its record carries the {@link coffer.engine.operation.PlanRun}),
 * marks the new point as the plan's (origin POLICY, immutable when its policy is); after every successful backup
 * (a plan's or a manual one) it sweeps the instance's expired points. A failing sweep is a warning on the job,
 * never a failed backup. Then it queues the replication the backup asks for (its plan's policy's rule, or a
 * person's {@code replicateTo}; {@link ReplicationQueue}): a replication that cannot be queued is a warning on the
 * backup's job and the point shows no replication, never a failed backup. The retry of an interrupted plan's run
 * first looks for the point the interrupted run committed before its worker was lost ({@link InterruptedRunFirst}):
 * found, the retry ends with it and does not back up the slot again, and these steps (run when that point was adopted)
 * are not run again for it: they run only for a point whose row names the job at hand. Thread-safe.
 */
public final class PlanBackup implements JobHandler<BackupInstance, BackupResult> {
    private final JobHandler<BackupInstance, BackupResult> backup;
    private final Catalog catalog;
    private final RetentionSweep sweep;
    private final ReplicationQueue replications;

    public PlanBackup(JobHandler<BackupInstance, BackupResult> backup, Catalog catalog, RetentionSweep sweep,
                      ReplicationQueue replications) {
        this.backup = backup;
        this.catalog = catalog;
        this.sweep = sweep;
        this.replications = replications;
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

    /**
     * The handlers with the backup handler wrapped; with {@code lost}, a retry first looks for the interrupted run's
     * point ({@link InterruptedRunFirst}, on this server's catalog) and does not back up that slot again.
     */
    @SuppressWarnings("unchecked")
    public static Map<JobType, JobHandler<?, ?>> wrap(Map<JobType, JobHandler<?, ?>> handlers, Catalog catalog,
                                                   RetentionSweep sweep, ReplicationQueue replications,
                                                   LostPoints lost) {
        Map<JobType, JobHandler<?, ?>> first = lost == null ? handlers
                : InterruptedRunFirst.wrap(handlers, (operation, retry) -> lost.ofInterruptedRun(operation));
        Map<JobType, JobHandler<?, ?>> wrapped = new HashMap<>(first);
        wrapped.put(JobType.backup, new PlanBackup((JobHandler<BackupInstance, BackupResult>) first.get(JobType.backup),
                catalog, sweep, replications));
        return Map.copyOf(wrapped);
    }

    @Override
    public BackupResult run(BackupInstance operation, Job job, JobContext context) throws Exception {
        BackupResult result = backup.run(operation, job, context);
        afterBackup(operation, result, job, context);
        return result;
    }

    /**
     * The steps after a successful backup, on the catalog: a plan's point marked, retention swept, replication queued.
     * A server runs them after an agent's backup ended (docs/design/agents.md), before it ends the job.
     */
    public void afterBackup(BackupInstance operation, BackupResult result, Job job, JobContext context) {
        String madeBy = catalog.points().find(result.point()).map(coffer.engine.catalog.PointRecord::jobId)
                .orElse(null);
        if (madeBy != null && !madeBy.equals(job.id())) {
            return; // a retry ending with its interrupted run's point: the steps ran when that point was adopted
        }
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
