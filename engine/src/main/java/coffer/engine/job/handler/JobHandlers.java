package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.job.JobHandler;
import coffer.engine.job.JobType;
import coffer.engine.catalog.Host;
import coffer.engine.replication.PointReplication;
import coffer.engine.replication.Regions;
import coffer.engine.replication.TrackedReplication;
import coffer.engine.vault.VaultDirectory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** The one place that says which handler runs which job type. */
public final class JobHandlers {
    private JobHandlers() {
    }

    /**
     * The handlers for every {@link JobType}, for a {@link coffer.engine.job.JobRunner}.
     *
     * @param runtimeRoot sockets and scratch files of backups ({@code InstanceBackup.defaultRuntimeRoot()})
     * @param restoreDirectories where restores and clones may create files (the server's configuration)
     */
    public static Map<JobType, JobHandler<?, ?>> handlers(Catalog catalog, VaultDirectory vaults, Path runtimeRoot,
                                                         RestoreDirectories restoreDirectories) {
        return handlers(catalog, vaults, runtimeRoot, restoreDirectories, Regions.local(List.copyOf(vaults.names()),
                catalog.hosts().list().stream().map(Host::id).toList()), null);
    }

    /**
     * The same, for a server whose configuration declares {@code regions} (a clone into another region), with its
     * export area ({@code <dataDir>/exports}; null: export jobs are refused).
     */
    public static Map<JobType, JobHandler<?, ?>> handlers(Catalog catalog, VaultDirectory vaults, Path runtimeRoot,
                                                         RestoreDirectories restoreDirectories, Regions regions,
                                                         coffer.engine.live.ExportArea exports) {
        TrackedReplication replication = new TrackedReplication(catalog, vaults, new PointReplication(0), Clock.systemUTC());
        return Map.ofEntries(
                Map.entry(JobType.export, new ExportHandler(catalog, vaults, runtimeRoot, exports, Clock.systemUTC())),
                Map.entry(JobType.backup, new BackupHandler(catalog, vaults, runtimeRoot, Clock.systemUTC())),
                Map.entry(JobType.restore_disk, new RestoreDiskHandler(catalog, vaults, restoreDirectories)),
                Map.entry(JobType.restore_instance, new RestoreInstanceHandler(catalog, vaults, restoreDirectories)),
                Map.entry(JobType.clone, new CloneHandler(catalog, vaults, runtimeRoot, restoreDirectories, regions,
                        replication)),
                Map.entry(JobType.group_backup, new GroupBackupHandler(catalog, vaults, runtimeRoot, Clock.systemUTC())),
                Map.entry(JobType.group_restore, new GroupRestoreHandler(catalog, vaults, restoreDirectories)),
                Map.entry(JobType.group_clone, new GroupCloneHandler(catalog, vaults, runtimeRoot, restoreDirectories)),
                Map.entry(JobType.mount, new MountHandler(catalog, vaults, runtimeRoot, Clock.systemUTC())),
                Map.entry(JobType.instant_restore, new InstantRestoreHandler(catalog, vaults, runtimeRoot, restoreDirectories)),
                Map.entry(JobType.unmount, new UnmountHandler(catalog, new StaleMounts(catalog, runtimeRoot, Clock.systemUTC()))),
                Map.entry(JobType.replicate, new ReplicateHandler(catalog, replication)));
    }
}
