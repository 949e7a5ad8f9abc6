package coffer.engine.plan;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.job.JobType;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.BackupResult;
import coffer.engine.operation.InterruptedRunPoint;
import coffer.engine.operation.PlanRun;

import java.util.HashMap;
import java.util.Map;

/**
 * The backup handler of a server's worker and of an agent alike, for the retry of an interrupted plan's run: it first
 * asks for the point the interrupted run committed in the vault before its worker was lost (docs/design/catalog.md
 * "Adopting the point of a lost job"); found (adopted now if the catalog lacked it), the retry ends with that point and
 * does not back up the slot again. A server asks its catalog ({@link LostPoints#ofInterruptedRun}); an agent asks a
 * server, which runs that same code ({@code AdoptInterruptedPoint}). A look that fails (the vault or the servers cannot
 * be reached) is a warning, and the slot is backed up. Any other backup goes straight to the wrapped handler.
 * Thread-safe when its finder and handler are.
 */
public final class InterruptedRunFirst implements JobHandler<BackupInstance, BackupResult> {
    /** Where the retry looks for the interrupted run's point. */
    @FunctionalInterface
    public interface Finder {
        /** The point the run {@code retry}'s plan run repeats committed before its worker was lost, or none. */
        InterruptedRunPoint find(BackupInstance operation, Job retry);
    }

    private final JobHandler<BackupInstance, BackupResult> backup;
    private final Finder finder;

    public InterruptedRunFirst(JobHandler<BackupInstance, BackupResult> backup, Finder finder) {
        this.backup = backup;
        this.finder = finder;
    }

    /** {@code handlers} with their backup handler (if any) looking for the interrupted run's point first. */
    @SuppressWarnings("unchecked")
    public static Map<JobType, JobHandler<?, ?>> wrap(Map<JobType, JobHandler<?, ?>> handlers, Finder finder) {
        if (!handlers.containsKey(JobType.backup)) {
            return handlers;
        }
        Map<JobType, JobHandler<?, ?>> wrapped = new HashMap<>(handlers);
        wrapped.put(JobType.backup, new InterruptedRunFirst(
                (JobHandler<BackupInstance, BackupResult>) handlers.get(JobType.backup), finder));
        return Map.copyOf(wrapped);
    }

    @Override
    public BackupResult run(BackupInstance operation, Job job, JobContext context) throws Exception {
        PlanRun run = operation.plan();
        if (run != null && run.retryOf() != null) {
            InterruptedRunPoint point = InterruptedRunPoint.NONE;
            try {
                point = finder.find(operation, job);
            } catch (CofferException e) {
                if (e.code() == ErrorCode.Cancelled) {
                    throw e;
                }
                context.warning("could not look for a point the interrupted run of this slot (job " + run.retryOf()
                        + ") committed before its worker was lost: [" + e.code() + "] " + e.getMessage()
                        + "; the slot is backed up");
            }
            if (point.found()) {
                context.info("the interrupted run of this slot (job " + run.retryOf() + ") committed point "
                        + point.result().point() + " before its worker was lost"
                        + (point.adoptedNow() ? "; adopted into the catalog" : "")
                        + "; the slot is not backed up again");
                return point.result();
            }
        }
        return backup.run(operation, job, context);
    }
}
