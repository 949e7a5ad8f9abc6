package coffer.engine.job.handler;

import coffer.engine.alert.ChangeRules;
import coffer.engine.alert.ChangeWatch;
import coffer.engine.catalog.Catalog;
import coffer.engine.drill.DrillBudget;
import coffer.engine.drill.DrillSettings;
import coffer.engine.verify.VaultVerification;
import coffer.engine.verify.VerifySettings;
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
        return handlers(catalog, vaults, runtimeRoot, restoreDirectories, Assurance.defaults(runtimeRoot.resolve("drills")));
    }

    /**
     * How the assurance jobs run (docs/design/assurance.md): verify's rotation, the drills (their settings and the one
     * budget every drill job of this process shares), and the rules of change alerts raised by backups.
     */
    public record Assurance(VerifySettings verify, DrillSettings drills, DrillBudget budget, ChangeRules alerts) {
        public static Assurance defaults(Path drillDirectory) {
            DrillSettings drills = DrillSettings.defaults(drillDirectory);
            return new Assurance(VerifySettings.DEFAULTS, drills, new DrillBudget(drills.perHost()), ChangeRules.DEFAULTS);
        }
    }

    /** The handlers with these assurance settings, on this server's local region. */
    public static Map<JobType, JobHandler<?, ?>> handlers(Catalog catalog, VaultDirectory vaults, Path runtimeRoot,
                                                         RestoreDirectories restoreDirectories, Assurance assurance) {
        return handlers(catalog, vaults, runtimeRoot, restoreDirectories, Regions.local(List.copyOf(vaults.names()),
                catalog.hosts().list().stream().map(Host::id).toList()), coffer.engine.live.LiveAccess.none(runtimeRoot),
                assurance);
    }

    /**
     * The same, for a server whose configuration declares {@code regions} (a clone into another region), with its
     * export area ({@code <dataDir>/exports}; null: export jobs are refused) and browsing sessions.
     */
    public static Map<JobType, JobHandler<?, ?>> handlers(Catalog catalog, VaultDirectory vaults, Path runtimeRoot,
                                                         RestoreDirectories restoreDirectories, Regions regions,
                                                         coffer.engine.live.LiveAccess live, Assurance assurance) {
        Clock clock = Clock.systemUTC();
        ChangeWatch watch = new ChangeWatch(catalog, assurance.alerts(), clock);
        TrackedReplication replication = new TrackedReplication(catalog, vaults, new PointReplication(0), Clock.systemUTC());
        return Map.ofEntries(
                // an export's expiry is judged by every server (its listing, download and sweep): made on the clock
                // the catalog stamps rows on, a server's the database's (docs/design/jobs.md, "Whose clock")
                Map.entry(JobType.export, new ExportHandler(catalog, vaults, live,
                        catalog.databaseClock().<Clock>map(c -> c).orElseGet(Clock::systemUTC))),
                Map.entry(JobType.backup, new BackupHandler(catalog, vaults, runtimeRoot, clock, watch)),
                Map.entry(JobType.verify, new VerifyHandler(new VaultVerification(catalog, vaults, assurance.verify(), clock,
                        VerifyHandler.threads()))),
                Map.entry(JobType.drill, new DrillHandler(catalog, vaults, assurance.budget(), assurance.drills(), clock)),
                Map.entry(JobType.restore_disk, new RestoreDiskHandler(catalog, vaults, restoreDirectories)),
                Map.entry(JobType.restore_instance, new RestoreInstanceHandler(catalog, vaults, restoreDirectories)),
                Map.entry(JobType.clone, new CloneHandler(catalog, vaults, runtimeRoot, restoreDirectories, regions,
                        replication)),
                Map.entry(JobType.group_backup, new GroupBackupHandler(catalog, vaults, runtimeRoot, clock, watch)),
                Map.entry(JobType.group_restore, new GroupRestoreHandler(catalog, vaults, restoreDirectories)),
                Map.entry(JobType.group_clone, new GroupCloneHandler(catalog, vaults, runtimeRoot, restoreDirectories)),
                Map.entry(JobType.mount, new MountHandler(catalog, vaults, runtimeRoot, Clock.systemUTC())),
                Map.entry(JobType.instant_restore, new InstantRestoreHandler(catalog, vaults, runtimeRoot, restoreDirectories)),
                Map.entry(JobType.unmount, new UnmountHandler(catalog, new StaleMounts(catalog, runtimeRoot, Clock.systemUTC()))),
                Map.entry(JobType.replicate, new ReplicateHandler(catalog, replication)),
                Map.entry(JobType.file_search, new FileSearchHandler(catalog, vaults, runtimeRoot)));
    }
}
