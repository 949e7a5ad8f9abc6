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
