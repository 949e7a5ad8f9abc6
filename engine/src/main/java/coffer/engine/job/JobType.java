package coffer.engine.job;

import coffer.engine.operation.BackupGroup;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.BackupResult;
import coffer.engine.operation.CloneGroup;
import coffer.engine.operation.CloneInstance;
import coffer.engine.operation.CloneResult;
import coffer.engine.operation.GroupBackupResult;
import coffer.engine.operation.GroupCloneResult;
import coffer.engine.operation.GroupRestoreResult;
import coffer.engine.operation.JobOperation;
import coffer.engine.operation.ExportFiles;
import coffer.engine.operation.ExportResult;
import coffer.engine.operation.InstantRestoreResult;
import coffer.engine.operation.MountDisk;
import coffer.engine.operation.RestoreInstant;
import coffer.engine.operation.MountResult;
import coffer.engine.operation.UnmountDisk;
import coffer.engine.operation.UnmountResult;
import coffer.engine.operation.ReplicatePoint;
import coffer.engine.operation.ReplicateResult;
import coffer.engine.operation.RestoreDisk;
import coffer.engine.operation.RestoreDiskResult;
import coffer.engine.operation.RestoreGroup;
import coffer.engine.operation.RestoreInstance;
import coffer.engine.operation.RestoreInstanceResult;
import coffer.engine.operation.DrillInstance;
import coffer.engine.operation.DrillResult;
import coffer.engine.operation.VerifyResult;
import coffer.engine.operation.VerifyVault;
import coffer.engine.operation.SearchFiles;
import coffer.engine.operation.FileSearchResult;

/**
 * What a job does: each type is one {@link JobOperation} record (the job's parameters) with its result record.
 * The target names an instance (backup, clone, drill, file_search), a point (restores, mount, instant_restore, export), a
 * consistency group (group_backup, group_clone), a group point (group_restore), a mount (unmount) or a vault (verify):
 * the record's field {@link #targetField}. A group job takes one
 * slot of its host's job limit, whatever its number of members (it holds one libvirt connection and reads the
 * members one after the other).
 */
public enum JobType {
    backup(BackupInstance.class, BackupResult.class, "instance"),
    restore_disk(RestoreDisk.class, RestoreDiskResult.class, "point"),
    restore_instance(RestoreInstance.class, RestoreInstanceResult.class, "point"),
    clone(CloneInstance.class, CloneResult.class, "instance"),
    group_backup(BackupGroup.class, GroupBackupResult.class, "group"),
    group_restore(RestoreGroup.class, GroupRestoreResult.class, "groupPoint"),
    group_clone(CloneGroup.class, GroupCloneResult.class, "group"),
    mount(MountDisk.class, MountResult.class, "point"),
    unmount(UnmountDisk.class, UnmountResult.class, "mount"),
    instant_restore(RestoreInstant.class, InstantRestoreResult.class, "point"),
    export(ExportFiles.class, ExportResult.class, "point"),
    replicate(ReplicatePoint.class, ReplicateResult.class, "point"),
    /** Reads a vault, not a host: it takes no place in its host's job limit (docs/design/jobs.md). */
    verify(VerifyVault.class, VerifyResult.class, "vault", false),
    drill(DrillInstance.class, DrillResult.class, "instance"),
    /** Finds files across an instance's points: reads vaults in a libguestfs appliance, not the host's disks. */
    file_search(SearchFiles.class, FileSearchResult.class, "instance");

    private final Class<? extends JobOperation<?>> operation;
    private final Class<?> result;
    private final String targetField;

    private final boolean usesHost;

    JobType(Class<? extends JobOperation<?>> operation, Class<?> result, String targetField) {
        this(operation, result, targetField, true);
    }

    JobType(Class<? extends JobOperation<?>> operation, Class<?> result, String targetField, boolean usesHost) {
        this.operation = operation;
        this.result = result;
        this.targetField = targetField;
        this.usesHost = usesHost;
    }

    /**
     * Whether a job of this type works on its host (libvirt, its disks) and so counts in the host's limit of running
     * jobs. A verify only reads a vault: it is queued on a host of the catalog but never waits for, nor keeps out,
     * that host's backups.
     */
    public boolean usesHost() {
        return usesHost;
    }

    /** The operation record a job of this type carries. */
    public Class<? extends JobOperation<?>> operation() {
        return operation;
    }

    /** The record its result is. */
    public Class<?> result() {
        return result;
    }

    /**
     * Whether a job of this type serves for as long as it runs (a mount: hours or days) rather than working to an end:
     * it takes no slot of its host's job limit and no worker thread (docs/design/jobs.md).
     */
    public boolean serving() {
        return this == mount;
    }

    /**
     * Whether a {@code coffer agent} runs jobs of this type on the host it serves (docs/design/agents.md): the jobs that
     * read or write the host's disks. On a host served by an agent, the servers' in-process workers leave them to it,
     * unless the agent did not announce the job's vault (it cannot open it: then a server runs it); jobs of other types
     * on that host run on a server as before.
     */
    public boolean onAgent() {
        return this == backup || this == restore_disk || this == restore_instance;
    }

    /**
     * Whether a {@code coffer agent} runs some jobs of this type, decided per job when it is queued (docs/design/agents.md,
     * "Which jobs an agent runs"): a replication whose two vaults the host's agent reaches; a clone within its vault's
     * region and a consistency group's backup, restore or clone, when the vault is the agent's and every member is on its
     * host; a restore drill whose point's vault is the agent's; a mount whose point's vault is the agent's (served over
     * NBD on the agent's host, its {@code unmount} a server's job that cancels it); an instant restore of a point in a
     * vault the agent names. The others stay on a server.
     */
    public boolean placedPerJob() {
        return this == replicate || this == clone || this == group_backup || this == group_restore || this == group_clone
                || this == drill
                || this == mount || this == instant_restore;
    }

    /** The job types a {@code coffer agent} takes: {@link #onAgent} and {@link #placedPerJob}. */
    public boolean agentMayRun() {
        return onAgent() || placedPerJob();
    }

    /** The record's field that names the job's target. */
    public String targetField() {
        return targetField;
    }
}
