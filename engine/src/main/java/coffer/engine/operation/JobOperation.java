package coffer.engine.operation;

import coffer.engine.job.JobType;

/**
 * A long operation: through a server it is a job (a row whose parameters are this record, docs/design/jobs.md),
 * offline it runs in the command's process. {@code R} is its result record, stored on the job row when it
 * succeeds. Every record checks its values in its constructor and reports every problem at once.
 */
public sealed interface JobOperation<R> permits BackupInstance, CloneInstance, RestoreDisk, RestoreInstance, BackupGroup,
        CloneGroup, RestoreGroup,
        MountDisk, UnmountDisk, RestoreInstant, ExportFiles, ReplicatePoint,
        VerifyVault, DrillInstance, SearchFiles {
    /** The job's type. */
    JobType type();

    /** What the job works on: an instance, a point, a group or a group point (its id once resolved). */
    String target();
}
