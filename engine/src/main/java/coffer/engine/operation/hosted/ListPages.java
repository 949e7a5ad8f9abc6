package coffer.engine.operation.hosted;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceQuery;
import coffer.engine.catalog.NameCursor;
import coffer.engine.catalog.NamePage;
import coffer.engine.catalog.Plan;
import coffer.engine.catalog.PlanQuery;
import coffer.engine.catalog.Lookup;
import coffer.engine.catalog.Page;
import coffer.engine.catalog.PageCursor;
import coffer.engine.catalog.PointQuery;
import coffer.engine.catalog.PointRecord;
import coffer.engine.job.Job;
import coffer.engine.job.Jobs;
import coffer.engine.operation.InstanceList;
import coffer.engine.operation.InstanceOverviewList;
import coffer.engine.operation.InstanceView;
import coffer.engine.operation.ListInstanceOverviews;
import coffer.engine.operation.PlanView;
import coffer.engine.operation.JobList;
import coffer.engine.operation.ListInstances;
import coffer.engine.operation.ListPlans;
import coffer.engine.operation.PlanList;
import coffer.engine.operation.ListJobs;
import coffer.engine.operation.ListPoints;
import coffer.engine.operation.PointDetail;
import coffer.engine.operation.PointList;
import coffer.engine.operation.PointView;
import coffer.engine.replication.Regions;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The paged lists (docs/api.md, "Lists"): a list request's names resolved (instance, group) and its filters and
 * cursor handed to the catalog, which filters, orders and cuts the page in SQL. A region must be one of the server's
 * (UnknownRegion): a point's is its vault's (a replica's, its destination's), a job's the region of its host.
 * Thread-safe.
 */
final class ListPages {
    private final Catalog catalog;
    private final References references;
    private final Regions regions;
    private final Clock clock;

    ListPages(Catalog catalog, References references, Regions regions, Clock clock) {
        this.catalog = catalog;
        this.references = references;
        this.regions = regions;
        this.clock = clock;
    }

    PointList points(ListPoints l) {
        List<String> instances = null;
        if (l.instance() != null) {
            instances = List.of(references.instance(l.instance()).id());
        }
        if (l.group() != null) {
            List<String> members = Lookup.group(catalog, l.group()).instanceIds();
            instances = instances == null ? members : instances.stream().filter(members::contains).toList();
        }
        var now = clock.instant();
        Page<PointRecord> page = catalog.points().page(new PointQuery(instances,
                l.region() == null ? null : regions.check(l.region()), l.consistency(),
                l.state() == null ? null : l.state().equals("expired"), now, l.since(), l.until(), cursor(l.cursor()),
                l.offset(), l.pageSize()));
        List<PointView> points = withReplications(page.items());
        return new PointList(points, points.size(), page.total(), next(page), List.of());
    }

    /** The points' views with their replications' statuses, read in one statement. */
    private List<PointView> withReplications(List<PointRecord> rows) {
        var now = clock.instant();
        Map<String, List<PointDetail.Replication>> replications = new HashMap<>();
        catalog.replications().ofPoints(rows.stream().map(PointRecord::id).toList()).forEach(r ->
                replications.computeIfAbsent(r.pointId(), id -> new ArrayList<>()).add(PointDetail.Replication.of(r)));
        return rows.stream().map(p -> PointView.of(p, now).withReplications(replications.getOrDefault(p.id(), List.of())))
                .toList();
    }

    InstanceList instances(ListInstances l, HostedViews views) {
        List<String> hosts = l.host() == null ? null : List.of(l.host());
        if (l.region() != null) {
            List<String> inRegion = regions.hosts().getOrDefault(regions.check(l.region()), List.of());
            hosts = hosts == null ? inRegion : hosts.stream().filter(inRegion::contains).toList();
        }
        List<String> members = l.group() == null ? null : Lookup.group(catalog, l.group()).instanceIds();
        NamePage<Instance> page = catalog.instances().page(new InstanceQuery(hosts, members, l.protectedOnly(), l.state(),
                nameCursor(l.cursor()), l.pageSize(), l.name(), l.withPoints()));
        return InstanceList.of(views.instances(page.items()), next(page));
    }

    /**
     * A page of instances with their plans and newest points: the page and its instances' disks, its protections, its
     * plans (an instance has at most one: {@code plans.instance_id} is unique), their policies, the newest points with
     * their disks and their replications; eight statements whatever the page's length.
     */
    InstanceOverviewList overviews(ListInstanceOverviews l, HostedViews views) {
        InstanceList page = instances(l.instances(), views);
        List<String> ids = page.instances().stream().map(InstanceView::id).toList();
        if (ids.isEmpty()) {
            return InstanceOverviewList.of(List.of(), page.nextCursor());
        }
        Map<String, String> names = page.instances().stream().collect(Collectors.toMap(InstanceView::id, InstanceView::name));
        List<Plan> plans = catalog.plans().page(new PlanQuery(ids, null, null, null, ids.size())).items();
        Map<String, String> policies = views.policyNames(plans);
        Map<String, PlanView> planOf = plans.stream().collect(Collectors.toMap(Plan::instanceId,
                p -> PlanView.of(p, names.get(p.instanceId()), policies.get(p.policyId()))));
        Map<String, PointView> newest = withReplications(catalog.points().newestOfInstances(ids)).stream()
                .collect(Collectors.toMap(PointView::instance, Function.identity()));
        return InstanceOverviewList.of(page.instances().stream().map(i -> new InstanceOverviewList.Overview(i,
                planOf.containsKey(i.id()) ? List.of(planOf.get(i.id())) : List.of(), newest.get(i.id()))).toList(),
                page.nextCursor());
    }

    PlanList plans(ListPlans l, HostedViews views) {
        NamePage<Plan> page = catalog.plans().page(new PlanQuery(
                l.instance() == null ? null : List.of(references.instance(l.instance()).id()),
                l.policy() == null ? null : Lookup.policy(catalog, l.policy()).id(), l.state(),
                nameCursor(l.cursor()), l.pageSize()));
        return PlanList.of(views.plans(page.items()), next(page));
    }

    JobList jobs(ListJobs l) {
        String target = l.instance() != null ? references.instance(l.instance()).id() : l.target();
        String region = l.region() == null ? null : regions.check(l.region());
        Page<Job> page = catalog.jobs().page(new Jobs.Filter(l.state(), l.type(), target, l.host(), l.since(), l.until(),
                cursor(l.cursor()), l.pageSize(), region));
        return JobList.of(JobInstanceNames.of(catalog, page.items()), next(page));
    }

    /** The name cursor of a request's {@code cursor}, or null. */
    static NameCursor nameCursor(String token) {
        return token == null ? null : NameCursor.decode("cursor", token);
    }

    /** The token of a name page's next cursor, or null on its last page. */
    static String next(NamePage<?> page) {
        return page.next() == null ? null : page.next().encode();
    }

    private static PageCursor cursor(String token) {
        return token == null ? null : PageCursor.decode("cursor", token);
    }

    private static String next(Page<?> page) {
        return page.next() == null ? null : page.next().encode();
    }
}
