package coffer.engine.operation.hosted;

import coffer.engine.alert.ChangeRules;
import coffer.engine.alert.ChangeWatch;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.DrillRun;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.NamePage;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.AcknowledgeAlert;
import coffer.engine.operation.DrillList;
import coffer.engine.operation.DrillResult;
import coffer.engine.operation.ListDrills;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /**
     * A fixed number of catalog statements whatever the number of instances: the page of instances, their recent
     * drills, and the last passed drill of those whose recent drills all failed (docs/api.md).
     */
    DrillList drills(ListDrills request) {
        List<Instance> instances;
        String next = null;
        if (request.instance() != null) {
            instances = List.of(references.instance(request.instance()));
        } else {
            // one page of the instances with points, by name then id (the API's and the console's paging)
            NamePage<Instance> page = catalog.instances().withPoints(ListPages.nameCursor(request.cursor()),
                    request.limitOrDefault());
            instances = page.items();
            next = ListPages.next(page);
        }
        List<String> ids = instances.stream().map(Instance::id).toList();
        Map<String, List<DrillRun>> runs = catalog.drillRuns().ofInstances(ids, request.drillsOrDefault());
        // the instance's last passed drill: among its listed runs, else of any of its points
        Map<String, DrillRun> proven = new HashMap<>();
        runs.forEach((id, recent) -> recent.stream().filter(DrillRun::passed).findFirst()
                .ifPresent(run -> proven.put(id, run)));
        List<String> unproven = ids.stream().filter(id -> !proven.containsKey(id)).toList();
        if (!unproven.isEmpty()) {
            proven.putAll(catalog.drillRuns().lastPassedOfInstances(unproven));
        }
        List<DrillList.InstanceDrills> all = new ArrayList<>();
        for (Instance instance : instances) {
            List<DrillRun> recent = runs.getOrDefault(instance.id(), List.of());
            Optional<DrillRun> last = Optional.ofNullable(proven.get(instance.id()));
            all.add(new DrillList.InstanceDrills(instance.id(), instance.name(),
                    last.map(DrillRun::finishedAt).orElse(null), last.map(DrillRun::pointId).orElse(null),
                    recent.stream().map(DrillResult::of).toList()));
        }
        return DrillList.of(all, next);
    }

    ChangeAlert acknowledge(AcknowledgeAlert request) {
        if (request.by() == null) {
            throw new CofferException(ErrorCode.InvalidArgument, "by: an alert is acknowledged by a caller the server"
                    + " authenticated; acknowledge it through the API");
        }
        return changes.acknowledge(request.alert(), request.by(), request.note());
    }
}
