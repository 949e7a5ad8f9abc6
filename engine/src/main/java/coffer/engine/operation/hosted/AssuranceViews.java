package coffer.engine.operation.hosted;

import coffer.engine.alert.ChangeRules;
import coffer.engine.alert.ChangeWatch;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.DrillRun;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.AcknowledgeAlert;
import coffer.engine.operation.DrillList;
import coffer.engine.operation.DrillResult;
import coffer.engine.operation.ListDrills;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The answers about assurance that need more than one row (docs/design/assurance.md): drills by instance with "proven
 * bootable at", and acknowledging a change alert (who: the caller the API names). Thread-safe.
 */
final class AssuranceViews {
    private final Catalog catalog;
    private final References references;
    private final ChangeWatch changes;

    AssuranceViews(Catalog catalog, References references, Clock clock) {
        this.catalog = catalog;
        this.references = references;
        this.changes = new ChangeWatch(catalog, ChangeRules.DEFAULTS, clock); // only acknowledges: its rules are unused
    }

    DrillList drills(ListDrills request) {
        List<Instance> instances;
        if (request.instance() != null) {
            instances = List.of(references.instance(request.instance()));
        } else {
            Set<String> ids = new LinkedHashSet<>();
            catalog.points().listAll().forEach(p -> ids.add(p.instanceId()));
            instances = ids.stream().map(id -> catalog.instances().find(id)).flatMap(Optional::stream)
                    .sorted(java.util.Comparator.comparing(Instance::name)).toList();
        }
        List<DrillList.InstanceDrills> all = new ArrayList<>();
        for (Instance instance : instances) {
            List<DrillRun> runs = catalog.drillRuns().ofInstance(instance.id(), request.limitOrDefault());
            Optional<DrillRun> proven = lastPassed(instance.id(), runs);
            all.add(new DrillList.InstanceDrills(instance.id(), instance.name(),
                    proven.map(DrillRun::finishedAt).orElse(null), proven.map(DrillRun::pointId).orElse(null),
                    runs.stream().map(DrillResult::of).toList()));
        }
        return DrillList.of(all);
    }

    /** The instance's last passed drill: among the listed runs, else of any of its points. */
    private Optional<DrillRun> lastPassed(String instanceId, List<DrillRun> recent) {
        Optional<DrillRun> listed = recent.stream().filter(DrillRun::passed).findFirst();
        if (listed.isPresent()) {
            return listed;
        }
        return catalog.points().listByInstance(instanceId).stream().map(PointRecord::id)
                .map(id -> catalog.drillRuns().lastPassed(id)).flatMap(Optional::stream)
                .max(java.util.Comparator.comparing(DrillRun::finishedAt));
    }

    ChangeAlert acknowledge(AcknowledgeAlert request) {
        if (request.by() == null) {
            throw new CofferException(ErrorCode.InvalidArgument, "by: an alert is acknowledged by a caller the server"
                    + " authenticated; acknowledge it through the API");
        }
        return changes.acknowledge(request.alert(), request.by(), request.note());
    }
}
