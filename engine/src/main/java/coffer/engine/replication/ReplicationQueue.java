package coffer.engine.replication;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.PointRetention;
import coffer.engine.catalog.ReplicationRecord;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.ReplicatePoint;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.vault.VaultDirectory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Queues replication jobs (docs/design/replication.md, "Status, retries and errors"): a person's replication of a
 * point; after a successful backup, the replication its policy's rule or the person's {@code replicateTo} asks for;
 * and the failed replications whose retry is due ({@link RetryBackoff}). Each queued job's point shows the replication
 * as {@code QUEUED} at once. Destinations are checked before anything is queued: an unknown region is
 * {@code UnknownRegion}, a vault of another region than the one named {@code InvalidArgument}, a replication
 * running or done already {@code InvalidArgument} naming its job or replica.
 *
 * <p>Stateless apart from its collaborators; thread-safe.
 */
public final class ReplicationQueue {
    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final Regions regions;
    private final Clock clock;

    public ReplicationQueue(Catalog catalog, VaultDirectory vaults, Regions regions, Clock clock) {
        this.catalog = catalog;
        this.vaults = vaults;
        this.regions = regions;
        this.clock = clock;
    }

    /** The destination a request names, completed and checked: the vault's region, or the region's default vault. */
    public ReplicatePoint.Destination resolve(String region, String vault) {
        if (vault == null) {
            if (region == null) {
                throw new CofferException(ErrorCode.NoDestinationRegion, "no destination region is specified");
            }
            return new ReplicatePoint.Destination(region, regions.defaultVault(region));
        }
        if (region != null) {
            regions.check(region); // an undeclared region is UnknownRegion, whatever vault is named with it
        }
        if (!vaults.names().contains(vault)) {
            throw new CofferException(ErrorCode.InvalidArgument, "vault: no vault named '" + vault + "' (configured: "
                    + String.join(", ", vaults.names().stream().sorted().toList()) + ")");
        }
        String of = vaults.regionOf(vault);
        if (region != null && !regions.check(region).equals(of)) {
            throw new CofferException(ErrorCode.InvalidArgument, "vault " + vault + " is in region " + of + ", not in "
                    + region);
        }
        return new ReplicatePoint.Destination(of, vault);
    }

    /**
     * Queues {@code replication} (its point already resolved to an id) on {@code hostId}: the destination checked, the
     * point's replication marked queued, the job submitted.
     */
    public Job submit(ReplicatePoint replication, String hostId) {
        PointRecord point = catalog.points().find(replication.point()).orElseThrow(() -> new CofferException(
                ErrorCode.PointNotFound, "no point '" + replication.point() + "' in the catalog"));
        ReplicatePoint.Destination to = resolve(replication.region(), replication.vault());
        if (to.vault().equals(point.vault())) {
            throw new CofferException(ErrorCode.InvalidArgument, "point " + point.id() + " is in vault " + to.vault()
                    + " already; replicate it to a vault of another region");
        }
        Optional<ReplicationRecord> now = catalog.replications().find(point.id(), to.region(), to.vault());
        if (now.isPresent() && now.get().state() == ReplicationRecord.State.RUNNING) {
            throw new CofferException(ErrorCode.InvalidArgument, "the replication of point " + point.id() + " to vault "
                    + to.vault() + " of region " + to.region() + " is running (job " + now.get().jobId() + ")");
        }
        if (now.isPresent() && now.get().state() == ReplicationRecord.State.DONE) {
            throw new CofferException(ErrorCode.InvalidArgument, "point " + point.id() + " is replicated to vault "
                    + to.vault() + " of region " + to.region() + " already (replica " + now.get().replicaId() + ")");
        }
        catalog.replications().queue(point.id(), to.region(), to.vault());
        return catalog.jobs().submit(replication.resolved(point.id(), to.region(), to.vault()), hostId);
    }

    /**
     * Checks, before a backup is queued, the replication it asks for: {@code replicateTo}'s destination, or for
     * {@code replicate} that the instance's plan's policy has a replication rule on (else NoDestinationRegion).
     */
    public void checkBackup(BackupInstance backup, String instanceId) {
        if (backup.replicateTo() != null) {
            ReplicatePoint.Destination d = ReplicatePoint.Destination.parse("replicateTo", backup.replicateTo());
            resolve(d.region(), d.vault());
        }
        if (backup.replicate()) {
            ruleOfInstance(instanceId).orElseThrow(() -> new CofferException(ErrorCode.NoDestinationRegion,
                    "replicate: instance " + instanceId + " has no plan whose policy replicates to a destination region"));
        }
    }

    /**
     * The replication a successful backup asks for, queued on {@code hostId}: {@code replicateTo}'s, the plan's
     * policy's rule for a plan's run, the instance's plan's policy's rule for {@code replicate}. Empty when it asks
     * for none.
     */
    public Optional<Job> afterBackup(BackupInstance backup, String pointId, String hostId) {
        if (backup.replicateTo() != null) {
            ReplicatePoint.Destination d = ReplicatePoint.Destination.parse("replicateTo", backup.replicateTo());
            return Optional.of(submit(new ReplicatePoint(pointId, d.region(), d.vault(), null, null), hostId));
        }
        Optional<StoredPolicy> policy = backup.plan() != null ? catalog.policies().find(backup.plan().policy())
                : backup.replicate() ? ruleOfInstance(backup.instance()) : Optional.empty();
        return policy.filter(p -> p.policy().replication().enabled()).map(p -> submit(ofPolicy(pointId, p), hostId));
    }

    /**
     * The failed replications whose next attempt is due, queued again; returns their jobs. First, a replication still
     * marked running whose job has ended (its server was killed, the job failed as WorkerLost) is marked failed with
     * WorkerLost and its retry time, so it is retried like any other failure.
     */
    public List<Job> retryDue() {
        for (ReplicationRecord running : catalog.replications().running()) {
            Optional<Job> job = running.jobId() == null ? Optional.empty() : catalog.jobs().find(running.jobId());
            if (job.isEmpty() || job.get().state().isFinal()) {
                catalog.replications().abandoned(running.pointId(), running.region(), running.vault(), running.jobId(),
                        ErrorCode.WorkerLost.name(), "its job " + running.jobId() + " ended ("
                                + job.map(j -> j.state().name()).orElse("gone") + ") while the replication ran",
                        RetryBackoff.next(ErrorCode.WorkerLost, running.attempts() + 1, clock.instant()).orElse(null));
            }
        }
        List<Job> queued = new ArrayList<>();
        for (ReplicationRecord due : catalog.replications().due(clock.instant())) {
            Optional<PointRecord> point = catalog.points().find(due.pointId());
            if (point.isEmpty() || !catalog.replications().queue(due.pointId(), due.region(), due.vault())) {
                continue; // deleted meanwhile, or queued by someone else
            }
            String policy = catalog.pointRetentions().find(due.pointId()).map(PointRetention::policyId)
                    .flatMap(catalog.policies()::find)
                    .filter(p -> due.region().equals(p.policy().replication().destinationRegion())
                            && due.vault().equals(p.policy().replication().destinationVault()))
                    .map(StoredPolicy::id).orElse(null);
            queued.add(submit(new ReplicatePoint(due.pointId(), due.region(), due.vault(), null, policy),
                    hostOf(point.get())));
        }
        return queued;
    }

    /** The host a job about {@code point} runs on: its instance's, else the catalog's first host. */
    public String hostOf(PointRecord point) {
        return catalog.instances().find(point.instanceId()).map(Instance::hostId)
                .orElseGet(() -> catalog.hosts().list().getFirst().id());
    }

    private static ReplicatePoint ofPolicy(String pointId, StoredPolicy policy) {
        ReplicationRule rule = policy.policy().replication();
        return new ReplicatePoint(pointId, rule.destinationRegion(), rule.destinationVault(), null, policy.id());
    }

    private Optional<StoredPolicy> ruleOfInstance(String instanceId) {
        return catalog.plans().findByInstance(instanceId).flatMap(plan -> catalog.policies().find(plan.policyId()))
                .filter(p -> p.policy().replication().enabled());
    }
}
