package coffer.engine.job.handler;

import coffer.engine.alert.ChangeWatch;
import coffer.engine.instance.PointFacts;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Lookup;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.BackupResult;
import coffer.engine.json.CofferJson;
import coffer.engine.policy.Policy;
import coffer.engine.policy.Retention;
import coffer.vault.Vault;
import coffer.engine.vault.VaultDirectory;
import coffer.virt.libvirt.Libvirt;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * A backup of an instance (the job's target: its UUID) into a vault, recorded as a point row. The point's
 * expiry ({@code retentionDays}) and, for a plan's run, its plan, policy and that policy's immutability are
 * written into the manifest too, so a catalog rebuild keeps them. An incremental's change is then judged against the
 * instance's baseline ({@link ChangeWatch}): a change alert is raised on the point and its job. Stateless; thread-safe.
 */
final class BackupHandler implements JobHandler<BackupInstance, BackupResult> {
    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final HostConnections hosts;
    private final Path runtimeRoot;
    private final Clock clock;

    private final ChangeJudging changes;

    BackupHandler(Catalog catalog, VaultDirectory vaults, Path runtimeRoot, Clock clock, ChangeWatch changes) {
        this.changes = new ChangeJudging(changes);
        this.catalog = catalog;
        this.vaults = vaults;
        this.hosts = new HostConnections(catalog);
        this.runtimeRoot = runtimeRoot;
        this.clock = clock;
    }

    /** The fact of a point kept {@code retentionDays} from now (none: kept until deleted). */
    static PointFacts expiry(Integer retentionDays, Clock clock) {
        return retentionDays == null ? PointFacts.NONE
                : PointFacts.expiring(clock.instant().plus(Duration.ofDays(retentionDays)));
    }

    /**
     * For a run of an immutable policy, the floor its manifest records from the point's creation: its keep-for (the
     * earliest end of the lock the catalog then gives it; the catalog's later hold extends it, never shortens it);
     * null for a policy that is not immutable. Without it a server killed between the commit and the catalog's hold
     * (PlanBackup) would leave an immutable point deletable through the vault.
     */
    static UnaryOperator<Instant> immutableFloor(Policy policy) {
        if (!policy.immutable()) {
            return null;
        }
        Retention retention = policy.retention();
        return created -> retention.keepFor().expiryOf(created, retention.zone()).orElse(Vault.FOREVER);
    }

    @Override
    public BackupResult run(BackupInstance backup, Job job, JobContext context) {
        Instance instance = Lookup.liveInstance(catalog, backup.instance());
        String vault = vaults.nameOr(backup.vault());
        PointFacts facts = expiry(backup.retentionDays(), clock).with(PointFacts.described(backup.description()));
        UnaryOperator<Instant> immutableFloor = null;
        if (backup.plan() != null) {
            Policy policy = catalog.policies().find(backup.plan().policy()).map(StoredPolicy::policy)
                    .orElseThrow(() -> new CofferException(ErrorCode.ResourceNotFound,
                            "plan " + backup.plan().id() + " names policy " + backup.plan().policy() + ", which does not exist"));
            facts = facts.with(PointFacts.ofPlan(backup.plan().id(), backup.plan().policy(), policy.immutable()));
            immutableFloor = immutableFloor(policy);
        }
        InstanceBackup.Result result;
        try (Libvirt libvirt = hosts.connect(job.hostId())) {
            context.info("backing up " + instance.name() + " (" + instance.id() + ") into vault " + vault
                    + (backup.appConsistent().enabled() ? ", application-consistent "
                    + CofferJson.text(backup.appConsistent()) : ""));
            result = new InstanceBackup(libvirt, vaults.open(vault), runtimeRoot).run(new InstanceBackup.Request(
                    instance.id(), backup.disks() == null ? java.util.Set.of() : new LinkedHashSet<>(backup.disks()), 0,
                    facts, backup.appConsistent(), immutableFloor), context.progress());
        }
        CrashTestHook.haltAt(CrashTestHook.BACKUP_COMMITTED); // kill tests only: the vault has the point, the catalog not
        PointRecord row = PointRecord.of(result.point(), vault, instance.id(), job.id()).inRegion(vaults.regionOf(vault));
        if (backup.plan() != null) { // the row and its plan's mark at once: never an immutable point's row unmarked
            catalog.points().upsertOfPlan(row, backup.plan().id(), backup.plan().policy(), immutableFloor != null);
        } else {
            catalog.points().upsert(row);
        }
        result.warnings().forEach(context::warning);
        result.point().skipped().forEach(s -> context.warning("disk " + s.name() + " skipped: " + s.reason()));
        context.info("point " + result.point().id() + " stored");
        List<String> alerts = changes.judge(instance, result, job.id(), context);
        return BackupResult.of(result).withWarnings(alerts);
    }
}
