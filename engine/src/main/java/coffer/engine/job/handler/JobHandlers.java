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
import coffer.engine.vault.VaultDirectory;

import java.nio.file.Path;
import java.time.Clock;
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

    /** The handlers, with the assurance settings of the server's configuration. */
    public static Map<JobType, JobHandler<?, ?>> handlers(Catalog catalog, VaultDirectory vaults, Path runtimeRoot,
                                                         RestoreDirectories restoreDirectories, Assurance assurance) {
        Clock clock = Clock.systemUTC();
        ChangeWatch watch = new ChangeWatch(catalog, assurance.alerts(), clock);
        return Map.of(
                JobType.backup, new BackupHandler(catalog, vaults, runtimeRoot, clock, watch),
                JobType.verify, new VerifyHandler(new VaultVerification(catalog, vaults, assurance.verify(), clock,
                        VerifyHandler.threads())),
                JobType.drill, new DrillHandler(catalog, vaults, assurance.budget(), assurance.drills(), clock),
                JobType.restore_disk, new RestoreDiskHandler(catalog, vaults, restoreDirectories),
                JobType.restore_instance, new RestoreInstanceHandler(catalog, vaults, restoreDirectories),
                JobType.clone, new CloneHandler(catalog, vaults, runtimeRoot, restoreDirectories),
                JobType.group_backup, new GroupBackupHandler(catalog, vaults, runtimeRoot, clock, watch),
                JobType.group_restore, new GroupRestoreHandler(catalog, vaults, restoreDirectories),
                JobType.group_clone, new GroupCloneHandler(catalog, vaults, runtimeRoot, restoreDirectories));
    }
}
