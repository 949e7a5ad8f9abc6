package coffer.engine.operation.hosted;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceDisk;
import coffer.engine.catalog.Protection;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.Protect;
import coffer.engine.operation.ProtectionList;
import coffer.engine.operation.ProtectionStopped;
import coffer.engine.operation.ProtectionView;
import coffer.engine.operation.StopProtection;
import coffer.engine.plan.PlanBinding;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The protected list: protect up to the per-request limit of instances at once (all of them or none: every
 * instance must exist, every chosen disk must be one of its disks), and stop protection (its plan is deleted,
 * its points kept). Thread-safe.
 */
final class Protecting {
    private final Catalog catalog;
    private final References references;
    private final PlanBinding plans;
    private final int perRequest;
    private final Clock clock;
    private final java.util.function.UnaryOperator<String> regionOfVault;

    Protecting(Catalog catalog, References references, PlanBinding plans, int perRequest, Clock clock,
               java.util.function.UnaryOperator<String> regionOfVault) {
        this.regionOfVault = regionOfVault;
        this.catalog = catalog;
        this.references = references;
        this.plans = plans;
        this.perRequest = perRequest;
        this.clock = clock;
    }

    ProtectionList protect(Protect request) {
        checkCount(request.instances().size(), perRequest);
        String vault = references.vault(request.vault());
        boolean all = request.everyDisk();
        List<Protection> protections = new ArrayList<>();
        List<ProtectionView> views = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Map<String, Optional<Instance>> resolved = references.findAll(request.instances());
        for (String name : request.instances()) {
            Instance instance = resolved.get(name).orElse(null);
            if (instance == null || instance.gone()) {
                missing.add(name);
                continue;
            }
            if (!all) {
                for (String disk : request.disks()) {
                    if (instance.disks().stream().noneMatch(d -> d.target().equals(disk))) {
                        throw new CofferException(ErrorCode.InvalidArgument, "disks: instance '" + instance.name()
                                + "' has no disk '" + disk + "' (it has " + String.join(", ",
                                instance.disks().stream().map(InstanceDisk::target).toList()) + ")");
                    }
                }
            }
            Protection p = new Protection(instance.id(), all, all ? List.of() : request.disks(), vault, clock.instant(),
                    regionOfVault.apply(vault));
            protections.add(p);
            views.add(ProtectionView.of(p, instance));
        }
        if (!missing.isEmpty()) {
            throw new CofferException(ErrorCode.InstanceNotFound, "instances: no instance named " + String.join(", ", missing)
                    + " on the hosts this server manages (refresh the host if it was just created); nothing was protected");
        }
        catalog.protections().protect(protections);
        return ProtectionList.of(views);
    }

    /** Protects each live instance that is not yet: all disks, into {@code vault}. */
    void protectIfNeeded(List<Instance> instances, String vault) {
        for (Instance instance : instances) {
            if (catalog.protections().find(instance.id()).isEmpty() && !instance.gone()) {
                catalog.protections().protect(List.of(new Protection(instance.id(), true, List.of(), vault, clock.instant(),
                        regionOfVault.apply(vault))));
            }
        }
    }

    ProtectionStopped stop(StopProtection request) {
        Instance instance = references.instance(request.instance());
        if (!plans.stopProtection(instance.id())) {
            throw new CofferException(ErrorCode.InstanceNotProtected, "instance '" + instance.name() + "' is not protected");
        }
        return new ProtectionStopped(instance.id(), instance.name(), false,
                catalog.points().listByInstance(instance.id()).size());
    }

    /** InvalidArgument when one request names more instances than the server takes at once. */
    static void checkCount(int count, int limit) {
        if (count > limit) {
            throw new CofferException(ErrorCode.InvalidArgument, "instances: at most " + limit
                    + " instances per request, got " + count);
        }
    }
}
