package coffer.engine.operation.hosted;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.GroupPointRecord;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceDisk;
import coffer.engine.instance.BackupDisks;
import coffer.engine.catalog.InstanceGroup;
import coffer.engine.catalog.Lookup;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.Protection;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.operation.BackupGroup;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.CloneGroup;
import coffer.engine.operation.CloneInstance;
import coffer.engine.operation.JobOperation;
import coffer.engine.operation.MountDisk;
import coffer.engine.operation.UnmountDisk;
import coffer.engine.operation.RestoreInstant;
import coffer.engine.operation.ExportFiles;
import coffer.engine.operation.RestoreDisk;
import coffer.engine.operation.RestoreGroup;
import coffer.engine.operation.ReplicatePoint;
import coffer.engine.operation.RestoreInstance;
import coffer.engine.operation.DrillInstance;
import coffer.engine.operation.VerifyVault;
import coffer.engine.operation.SearchFiles;
import coffer.engine.catalog.ReplicationRecord;
import coffer.engine.replication.Regions;
import coffer.engine.replication.ReplicationQueue;

import java.util.List;

/**
 * Submits long operations as jobs: each record resolved (the instance, point, group or group point it names
 * checked and replaced by its id; the defaults of the protection and the server filled in) and queued on the
 * host that holds its target. What only the offline commands can do ({@code dir}, a group's {@code instances})
 * is refused naming the offline form. Thread-safe.
 */
final class HostedJobs {
    private final Catalog catalog;
    private final References references;
    private final ReplicationQueue replications;
    private final Regions regions;

    HostedJobs(Catalog catalog, References references, ReplicationQueue replications, Regions regions) {
        this.catalog = catalog;
        this.references = references;
        this.replications = replications;
        this.regions = regions;
    }

    Job submit(JobOperation<?> operation) {
        return switch (operation) {
            case BackupInstance b -> backup(b);
            case CloneInstance c -> {
                offlineOnly(c.dir() != null, "dir", "new disk files go beside the originals");
                Instance instance = Lookup.live(references.instance(c.instance()));
                if (c.region() != null) {
                    replications.resolve(c.region(), null); // UnknownRegion, or a region with no vault
                    regions.hostIn(c.region(), null); // NoHostInRegion
                }
                yield catalog.jobs().submit(c.resolved(instance.id(), references.vault(c.vault())), instance.hostId());
            }
            case RestoreDisk r -> {
                PointRecord point = references.point(r.point());
                Lookup.disk(point, r.disk()); // DiskNotInPoint, naming the disks it has
                yield catalog.jobs().submit(r.resolved(point.id()), replications.hostOf(point));
            }
            case RestoreInstance r -> restoreInstance(r);
            case ReplicatePoint r -> {
                if (r.policy() != null) {
                    throw new CofferException(ErrorCode.InvalidArgument, "policy: set by a policy's backup only; a person's"
                            + " replication names its destination (region, vault) and retentionDays");
                }
                PointRecord point = references.point(r.point());
                yield replications.submit(r.resolved(point.id(), r.region(), r.vault()), replications.hostOf(point));
            }
            case BackupGroup b -> {
                offlineOnly(b.instances() != null, "instances", "the members are those of the server's group");
                InstanceGroup group = Lookup.group(catalog, b.group());
                yield catalog.jobs().submit(b.resolved(group.id(), references.vault(b.vault())), group.hostId());
            }
            case CloneGroup c -> {
                offlineOnly(c.instances() != null, "instances", "the members are those of the server's group");
                offlineOnly(c.dir() != null, "dir", "new disk files go beside the originals");
                InstanceGroup group = Lookup.group(catalog, c.group());
                yield catalog.jobs().submit(c.resolved(group.id(), references.vault(c.vault())), group.hostId());
            }
            case MountDisk m -> {
                PointRecord point = references.point(m.point());
                Lookup.disk(point, m.disk());
                Instance instance = Lookup.live(references.instance(m.instance()));
                Lookup.notMounted(catalog, point.id(), m.disk(), instance, null); // its message names the instance
                // checked again with the mounts being made (jobs queued or running), in the queueing transaction
                yield catalog.mounts().queue(m.resolved(point.id(), instance.id()), instance.hostId());
            }
            case ExportFiles e -> {
                PointRecord point = references.point(e.point());
                Lookup.disk(point, e.disk());
                yield catalog.jobs().submit(e.resolved(point.id()), replications.hostOf(point));
            }
            case RestoreInstant r -> {
                PointRecord point = references.point(r.point());
                yield catalog.jobs().submit(r.resolved(point.id()), replications.hostOf(point));
            }
            case UnmountDisk u -> catalog.jobs().submit(u, Lookup.activeMount(catalog, u.mount()).hostId());
            case RestoreGroup r -> {
                offlineOnly(r.dir() != null, "dir", "new disk files go beside the originals");
                GroupPointRecord point = Lookup.groupPoint(catalog, r.groupPoint());
                Instance first = catalog.instances().find(point.instanceIds().getFirst()).orElseThrow(() -> new CofferException(
                        ErrorCode.InstanceNotFound, "group point " + point.id() + ": its instance "
                        + point.instanceIds().getFirst() + " is not in the catalog"));
                yield catalog.jobs().submit(r.resolved(point.id()), first.hostId());
            }
            case VerifyVault v -> verify(v);
            case SearchFiles s -> {
                Instance instance = references.instance(s.instance());
                List<PointRecord> points = catalog.points().listByInstance(instance.id());
                if (points.isEmpty()) {
                    throw new CofferException(ErrorCode.PointNotFound, "instance " + instance.name()
                            + " has no point to search; back it up first");
                }
                if (s.disk() != null) {
                    List<PointRecord> newest = points.subList(0, Math.min(points.size(), s.pointsOrDefault()));
                    if (newest.stream().noneMatch(p -> p.disks().stream().anyMatch(d -> d.target().equals(s.disk())))) {
                        Lookup.disk(newest.getFirst(), s.disk()); // DiskNotInPoint naming the disks it has
                    }
                }
                yield catalog.jobs().submit(s.resolved(instance.id()), replications.hostOf(points.getFirst()));
            }
            case DrillInstance d -> {
                Instance instance = references.instance(d.instance());
                if (catalog.points().listByInstance(instance.id()).isEmpty()) {
                    throw new CofferException(ErrorCode.PointNotFound, "instance " + instance.name()
                            + " has no point to drill; back it up first");
                }
                yield catalog.jobs().submit(d.resolved(instance.id()), instance.hostId());
            }
        };
    }

    /**
     * A verify of a vault, one at a time per vault (the scheduler's and a person's alike). It reads the vault, not a
     * host: it is queued on the catalog's first host and takes no place in that host's job limit ({@code JobType}).
     */
    private Job verify(VerifyVault v) {
        String vault = references.vault(v.vault());
        for (coffer.engine.job.JobState state : List.of(coffer.engine.job.JobState.queued, coffer.engine.job.JobState.running)) {
            for (Job other : catalog.jobs().list(new coffer.engine.job.Jobs.Filter(state, coffer.engine.job.JobType.verify,
                    vault, 1))) {
                throw new CofferException(ErrorCode.VerifyRunning, "a verify of vault " + vault + " is " + state
                        + " already: job " + other.id());
            }
        }
        List<coffer.engine.catalog.Host> hosts = catalog.hosts().list();
        if (hosts.isEmpty()) {
            throw new CofferException(ErrorCode.InvalidArgument, "the server has no libvirt host to queue the verify on");
        }
        return catalog.jobs().submit(v.resolved(vault), hosts.getFirst().id());
    }

    /** A person's backup: the protection's vault and disks unless the request names its own. */
    private Job backup(BackupInstance b) {
        if (b.plan() != null) {
            throw new CofferException(ErrorCode.InvalidArgument, "plan: set by a plan's run only; run a plan with its run operation");
        }
        Instance instance = Lookup.live(references.instance(b.instance()));
        if (b.disks() != null) {
            BackupDisks.check(instance.name(), b.disks(), instance.disks().stream().map(InstanceDisk::target)
                    .toList(), " as of its host's last refresh (refresh the host if a disk was just added)");
        }
        Protection protection = catalog.protections().find(instance.id()).orElse(null);
        String vault = references.vault(b.vault() != null ? b.vault() : protection != null ? protection.vault() : null);
        List<String> disks = b.disks() != null ? b.disks()
                : protection != null && !protection.allDisks() ? protection.disks() : null;
        replications.checkBackup(b, instance.id());
        return catalog.jobs().submit(b.resolved(instance.id(), vault, disks), instance.hostId());
    }

    /**
     * A restore of an instance: in place on the instance's host; as a new instance on a host of the point's region,
     * or with {@code region} from the point's replica in that region on a host there (a disaster recovery).
     */
    private Job restoreInstance(RestoreInstance r) {
        PointRecord point = references.point(r.point());
        if (r.region() != null && !regions.check(r.region()).equals(point.region())) {
            point = replicaIn(point, r.region());
        }
        String host = r.inPlace() || !regions.names().contains(point.region()) ? replications.hostOf(point)
                : regions.hostIn(point.region(), replications.hostOf(point));
        return catalog.jobs().submit(r.resolved(point.id()), host);
    }

    /** The replica of {@code point} in {@code region}; PointNotFound naming where it is replicated when none is. */
    private PointRecord replicaIn(PointRecord point, String region) {
        List<ReplicationRecord> all = catalog.replications().ofPoint(point.id());
        return all.stream().filter(r -> r.region().equals(region) && r.state() == ReplicationRecord.State.DONE)
                .map(r -> catalog.points().find(r.replicaId())).flatMap(java.util.Optional::stream).findFirst()
                .orElseThrow(() -> new CofferException(ErrorCode.PointNotFound, "point " + point.id() + " (region "
                        + point.region() + ") has no replica in region " + region + (all.isEmpty() ? " (it is not replicated)"
                        : " (its replications: " + String.join(", ", all.stream().map(r -> r.region() + "/" + r.vault()
                        + " " + r.state()).toList()) + ")")));
    }

    /** InvalidArgument naming the field as an offline one, with what a server does instead. */
    static void offlineOnly(boolean given, String field, String instead) {
        if (given) {
            throw new CofferException(ErrorCode.InvalidArgument, field + ": not taken by a server (" + instead
                    + "); it is for operations run offline on a vault");
        }
    }
}
