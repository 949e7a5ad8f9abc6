package coffer.server;

import coffer.engine.catalog.Catalog;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.job.JobRunner;
import coffer.engine.job.handler.JobHandlers;
import coffer.engine.vault.VaultDirectory;
import coffer.server.config.ServerConfig;


/** Assembles the job runner of a server. */
final class ServerJobs {
    private ServerJobs() {
    }

    /** Where exported archives are kept: {@code <dataDir>/exports}. */
    static coffer.engine.live.ExportArea exportArea(ServerConfig config) {
        return new coffer.engine.live.ExportArea(config.dataDir().resolve("exports"));
    }

    static JobRunner runner(Catalog catalog, VaultDirectory vaults, ServerConfig config,
                            coffer.engine.plan.RetentionSweep retention,
                            coffer.engine.replication.ReplicationQueue replications, JobHandlers.Assurance assurance,
                            coffer.engine.live.LiveAccess live, coffer.engine.plan.LostPoints lost,
                            java.time.Clock clock) {
        // heartbeats stamped and judged on the catalog database's clock (docs/design/jobs.md, "Whose clock")
        JobRunner.Settings settings = JobRunner.Settings.defaults().withClock(clock)
                .withPerHostLimit(config.limits().jobsPerHost())
                .withWorkerThreads(config.limits().workers());
        return new JobRunner(catalog, JobRunner.newWorkerId(),
                coffer.engine.plan.PlanBackup.wrap(JobHandlers.handlers(catalog, vaults, InstanceBackup.defaultRuntimeRoot(),
                        RestoreDirectories.under(config.restoreDirectories()), CofferServer.regions(config),
                        live, assurance), catalog, retention, replications, lost), settings);
    }
}
