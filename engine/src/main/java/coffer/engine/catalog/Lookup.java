package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds what an operation names in the catalog, or fails with the error the operation answers with (the code
 * and a message naming the reference). The job handlers and the hosted operations share it. Stateless.
 */
public final class Lookup {
    private Lookup() {
    }

    /** The instance {@code id}; InstanceNotFound when unknown, InstanceReleased when gone. */
    public static Instance liveInstance(Catalog catalog, String id) {
        return live(catalog.instances().find(id).orElseThrow(() -> new CofferException(ErrorCode.InstanceNotFound,
                "no instance with id " + id + " in the catalog; refresh the host's instances")));
    }

    /** InstanceReleased when the instance no longer exists on its host. */
    public static Instance live(Instance instance) {
        if (instance.gone()) {
            throw new CofferException(ErrorCode.InstanceReleased, "instance '" + instance.name() + "' (" + instance.id()
                    + ") no longer exists on host '" + instance.hostId() + "'");
        }
        return instance;
    }

    public static PointRecord point(Catalog catalog, String id) {
        return catalog.points().find(id).orElseThrow(() -> new CofferException(ErrorCode.PointNotFound,
                "no point '" + id + "' in the catalog"));
    }

    /** The point's disk {@code target}; DiskNotInPoint naming the disks it has. */
    public static PointRecord.PointDisk disk(PointRecord point, String target) {
        return point.disks().stream().filter(d -> d.target().equals(target)).findFirst().orElseThrow(() ->
                new CofferException(ErrorCode.DiskNotInPoint, "point " + point.id() + " has no disk '" + target
                        + "' (it has " + String.join(", ", point.disks().stream().map(PointRecord.PointDisk::target).toList())
                        + ")"));
    }

    /** AlreadyMounted when an active mount other than {@code except} has this disk of the point in the instance. */
    public static void notMounted(Catalog catalog, String pointId, String disk, Instance instance, String except) {
        for (MountRecord m : catalog.mounts().active()) {
            if (m.pointId().equals(pointId) && m.disk().equals(disk) && m.instanceId().equals(instance.id())
                    && !m.id().equals(except)) {
                throw new CofferException(ErrorCode.AlreadyMounted, "disk " + disk + " of point " + pointId
                        + " is already mounted into " + instance.name() + " by mount " + m.id()
                        + (m.target() == null ? "" : " as " + m.target()) + " until " + m.expiresAt());
            }
        }
    }

    /** The instance's name, or its id when the catalog no longer knows it. */
    public static String liveInstanceName(Catalog catalog, String instanceId) {
        return catalog.instances().find(instanceId).map(Instance::name).orElse(instanceId);
    }

    /** The active mount {@code id}; MountNotFound when there is none or it has ended (saying when and why). */
    public static MountRecord activeMount(Catalog catalog, String id) {
        MountRecord mount = catalog.mounts().find(id).orElseThrow(() -> new CofferException(ErrorCode.MountNotFound,
                "no mount '" + id + "'"));
        if (!mount.active()) {
            throw new CofferException(ErrorCode.MountNotFound, "mount " + id + " has ended already (" + mount.endReason()
                    + " at " + mount.endedAt() + ")");
        }
        return mount;
    }

    /** The group by id or name; ResourceNotFound when there is none. */
    public static InstanceGroup group(Catalog catalog, String idOrName) {
        return catalog.groups().resolve(idOrName).orElseThrow(() -> new CofferException(ErrorCode.ResourceNotFound,
                "no consistency group '" + idOrName + "' (by id or name)"));
    }

    /** Every member of the group, live; InstanceReleased naming the first that no longer exists. */
    public static List<Instance> members(Catalog catalog, InstanceGroup group) {
        List<Instance> members = new ArrayList<>();
        for (String id : group.instanceIds()) {
            members.add(liveInstance(catalog, id));
        }
        return members;
    }

    /** The group point by id; PointNotFound when the catalog has none. */
    public static GroupPointRecord groupPoint(Catalog catalog, String id) {
        return catalog.groups().findPoint(id).orElseThrow(() -> new CofferException(ErrorCode.PointNotFound,
                "no group point '" + id + "' in the catalog"));
    }

    public static Plan plan(Catalog catalog, String idOrName) {
        return catalog.plans().resolve(idOrName).orElseThrow(() -> new CofferException(ErrorCode.ResourceNotFound,
                "no plan '" + idOrName + "' (by id or name)"));
    }

    public static StoredPolicy policy(Catalog catalog, String idOrName) {
        return catalog.policies().resolve(idOrName).orElseThrow(() -> new CofferException(ErrorCode.ResourceNotFound,
                "no policy '" + idOrName + "' (by id or name)"));
    }

    public static Job job(Catalog catalog, String id) {
        return catalog.jobs().find(id).orElseThrow(() -> new CofferException(ErrorCode.JobNotFound, "no job '" + id + "'"));
    }
}
