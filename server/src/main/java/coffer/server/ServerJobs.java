package coffer.server;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogRebuild;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.job.JobRunner;
import coffer.engine.job.handler.JobHandlers;
import coffer.engine.vault.VaultDirectory;
import coffer.server.config.ServerConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/** Assembles the job runner of a server, and the catalog rebuild over all its vaults. */
final class ServerJobs {
    private ServerJobs() {
    }

    static JobRunner runner(Catalog catalog, VaultDirectory vaults, ServerConfig config,
                            coffer.engine.plan.RetentionSweep retention) {
        JobRunner.Settings settings = JobRunner.Settings.defaults()
                .withPerHostLimit(config.limits().jobsPerHost())
                .withWorkerThreads(config.limits().workers());
        return new JobRunner(catalog, JobRunner.newWorkerId(),
                coffer.engine.plan.PlanBackup.wrap(JobHandlers.handlers(catalog, vaults, InstanceBackup.defaultRuntimeRoot(),
                        RestoreDirectories.under(config.restoreDirectories())),
                        catalog, retention), settings);
    }

    static Map<String, Object> rebuild(Catalog catalog, VaultDirectory vaults) {
        Map<String, Object> report = new LinkedHashMap<>();
        for (String name : vaults.names().stream().sorted().toList()) {
            report.put(name, new CatalogRebuild(catalog).rebuild(name, vaults.open(name)));
        }
        return Map.of("vaults", report);
    }
}
