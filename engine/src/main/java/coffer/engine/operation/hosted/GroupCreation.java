package coffer.engine.operation.hosted;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceGroup;
import coffer.engine.catalog.Lookup;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.CreateGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Creates a consistency group: every member exists and is live, all share one host (one instant needs one
 * hypervisor), none is named twice (by UUID and by name). Thread-safe.
 */
final class GroupCreation {
    private final Catalog catalog;
    private final References references;

    GroupCreation(Catalog catalog, References references) {
        this.catalog = catalog;
        this.references = references;
    }

    InstanceGroup create(CreateGroup request) {
        List<Instance> members = new ArrayList<>();
        for (String reference : request.instances()) {
            members.add(Lookup.live(references.instance(reference)));
        }
        TreeSet<String> hosts = new TreeSet<>(members.stream().map(Instance::hostId).toList());
        if (hosts.size() > 1) {
            throw new CofferException(ErrorCode.InvalidArgument, "instances: a group's members must share one host (one"
                    + " instant needs one hypervisor); these are on hosts " + hosts);
        }
        if (members.stream().map(Instance::id).distinct().count() != members.size()) {
            throw new CofferException(ErrorCode.InvalidArgument, "instances: an instance is named twice (by UUID and by name)");
        }
        return catalog.groups().create(request.name(), hosts.first(), members.stream().map(Instance::id).toList());
    }
}
