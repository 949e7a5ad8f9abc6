package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.DrillRun;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.drill.DrillBudget;
import coffer.engine.drill.DrillSettings;
import coffer.engine.drill.RestoreDrill;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.operation.DrillInstance;
import coffer.engine.operation.DrillResult;
import coffer.engine.vault.VaultDirectory;
import coffer.virt.libvirt.Libvirt;

import java.time.Clock;
import java.util.Comparator;

/**
 * A restore drill of an instance (the job's target: its UUID) on the job's host, through {@link RestoreDrill}: the
 * newest point of the instance in the catalog (whatever its vault) restored as an isolated copy, booted, checked and
 * removed, within the host's {@link DrillBudget} (shared by every drill job of this process). A drill that fails is
 * the job's result ({@code passed: false}, the phase and reason, also a warning in the job's log), not a failed job:
 * the job did its work. Only what prevents a drill (no point, the budget) fails the job. Thread-safe.
 */
final class DrillHandler implements JobHandler<DrillInstance, DrillResult> {
    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final HostConnections hosts;
    private final DrillBudget budget;
    private final DrillSettings settings;
    private final Clock clock;

    DrillHandler(Catalog catalog, VaultDirectory vaults, DrillBudget budget, DrillSettings settings, Clock clock) {
        this.catalog = catalog;
        this.vaults = vaults;
        this.hosts = new HostConnections(catalog);
        this.budget = budget;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public DrillResult run(DrillInstance drill, Job job, JobContext context) {
        Instance instance = catalog.instances().find(drill.instance()).orElseThrow(() -> new CofferException(
                ErrorCode.InstanceNotFound, "instance " + drill.instance() + " is not in the catalog"));
        PointRecord newest = catalog.points().listByInstance(instance.id()).stream()
                .max(Comparator.comparing(PointRecord::createdAt)).orElseThrow(() -> new CofferException(
                        ErrorCode.PointNotFound, "instance " + instance.name() + " (" + instance.id()
                        + ") has no point to drill; back it up first"));
        context.info("restore drill of " + instance.name() + " from its newest point " + newest.id() + " in vault "
                + newest.vault() + (drill.check().isEmpty() ? "" : ", check " + drill.check()));
        DrillRun run;
        try (Libvirt libvirt = hosts.connect(job.hostId())) {
            run = new RestoreDrill(libvirt, vaults, catalog, budget, settings, clock).run(new RestoreDrill.Request(
                    instance.id(), newest.vault(), drill.check(), job.id()), context.progress());
        }
        if (run.passed()) {
            context.info("drill passed: point " + run.pointId() + " proven bootable at " + run.finishedAt());
        } else {
            context.warning("drill FAILED in phase " + run.failedPhase() + ": " + run.reason());
        }
        return DrillResult.of(run);
    }
}
