package coffer.server.console.page;

import coffer.engine.operation.*;
import coffer.server.console.Console;
import coffer.server.console.ConsoleRoutes;
import coffer.server.console.Frame;
import coffer.server.http.Routes;

import java.time.Instant;
import java.util.*;

/**
 * Instances: protected or not, their plans, last point and its consistency, next run, disks; protect several at
 * once (all disks or some, optionally binding a policy), bind a protected instance without a plan to a policy, back
 * up now, clone, stop protection (points kept), look
 * for new instances on the hosts now.
 * Stateless.
 */
public final class InstancesPage implements ConsoleRoutes {
    /** One instance with its plans and its newest point (null: none). */
    public record Row(InstanceView instance, List<PlanView> plans, PointView last) {
        /** The soonest next run of its active plans; null when none is scheduled. */
        public Instant nextRun() {
            return plans.stream().map(PlanView::nextRun).filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(null);
        }
    }

    /**
     * One page of instances; {@code next} the next page's link (null on the last), {@code later} past the first;
     * {@code region}: the region filter as given (null: every instance); {@code regions}: the server's; {@code name}: the
     * name filter as given (null: any name), which the catalog's query applies (ListInstances' {@code name}).
     */
    public record Model(Frame frame, List<Row> rows, List<PolicyView> policies, String next, boolean later, String region,
                        List<String> regions, String name) {
        /** The first page's link with the same filters. */
        public String first() {
            return "/instances" + filters("?", region, name);
        }
    }

    /** The filters as a query string after {@code lead} ({@code ?} or {@code &}), empty without any. */
    static String filters(String lead, String region, String name) {
        String query = (region == null ? "" : "&region=" + Show.query(region)) + (name == null ? "" : "&name=" + Show.query(name));
        return query.isEmpty() ? "" : lead + query.substring(1);
    }

    static final int PAGE = 50;

    @Override
    public void register(Routes routes, Console console) {
        console.page(routes, "/instances", ListInstanceOverviews.class, (ctx, session) -> {
            Operations ops = console.operations();
            String cursor = Show.blank(ctx.queryParam("cursor"));
            String region = Show.blank(ctx.queryParam("region"));
            String name = Show.blank(ctx.queryParam("name"));
            // by name, one page, each row with its plan and newest point: a fixed number of catalog reads
            InstanceOverviewList page = ops.call(new ListInstanceOverviews(null, null, null, null, region, cursor, PAGE, name));
            List<Row> rows = page.instances().stream().map(o -> new Row(o.instance(), o.plans(), o.last())).toList();
            String next = Show.nextPage("/instances", page.nextCursor());
            console.render(ctx, "instances.jte", new Model(console.frame(session, "Instances", "instances"), rows,
                    ops.call(new ListPolicies(null, null, ListPolicies.MAX_LIMIT)).policies(),
                    next == null ? null : next + filters("&", region, name), cursor != null, region,
                    RegionsPage.names(console), name));
        });
        console.change(routes, "/instances/protect", Protect.class, (ctx, session) -> {
            Form form = new Form(ctx);
            List<String> instances = form.all("instance");
            boolean allDisks = !"some".equals(form.text("disks-choice"));
            Protect protect = new Protect(instances, allDisks, allDisks ? null : form.list("disks"), null);
            var protections = console.operations().call(protect);
            String text = "Protected " + protections.count() + " instance(s)";
            String policy = form.text("policy");
            if (policy != null) {
                console.operations().call(new BindPlan(policy, instances, null, false, null));
                text += " and bound them to policy " + policy;
            }
            console.notify(session, text + ".");
            return "/instances";
        });
        // the hosts' domains are discovered at start and every few minutes; a domain defined since shows up at once
        console.change(routes, "/instances/refresh", RefreshHost.class, (ctx, session) -> {
            Operations ops = console.operations();
            List<String> failed = new ArrayList<>();
            coffer.engine.error.ErrorCode code = null;
            int hosts = 0;
            for (var host : ops.call(new ListHosts()).hosts()) {
                try {
                    ops.call(new RefreshHost(host.id()));
                    hosts++;
                } catch (coffer.engine.error.CofferException e) {
                    code = code == null ? e.code() : code;
                    failed.add(host.id() + ": error [" + e.code() + "]: " + e.getMessage());
                }
            }
            String text = "Looked for instances on " + hosts + " host(s).";
            if (code != null) { // the first failure's code; each host's in the message
                throw new coffer.engine.error.CofferException(code, text + " Could not look on " + String.join("; ", failed));
            }
            console.notify(session, text);
            return "/instances";
        });
        // a protected instance without a plan (protected without a policy, or its plan deleted) is bound here
        console.change(routes, "/instances/{instance}/bind", BindPlan.class, (ctx, session) -> {
            String policy = new Form(ctx).text("policy");
            var plans = console.operations().call(new BindPlan(policy, List.of(ctx.pathParam("instance")), null, false, null));
            PlanView plan = plans.plans().getFirst();
            console.notify(session, "Bound to policy " + (plan.policyName() != null ? plan.policyName() : plan.policy())
                    + " (plan " + plan.name() + ").");
            return "/instances";
        });
        console.change(routes, "/instances/{instance}/backup", BackupInstance.class, (ctx, session) -> {
            var run = console.operations().start(BackupInstance.of(ctx.pathParam("instance")));
            return "/jobs/" + run.job().orElseThrow().id();
        });
        console.change(routes, "/instances/clone", CloneInstance.class, (ctx, session) -> {
            Form form = new Form(ctx);
            var run = console.operations().start(new CloneInstance(form.text("instance"), form.text("name"), null, null, null));
            return "/jobs/" + run.job().orElseThrow().id();
        });
        console.change(routes, "/instances/{instance}/stop-protection", StopProtection.class, (ctx, session) -> {
            console.operations().call(new StopProtection(ctx.pathParam("instance")));
            console.notify(session, "Protection stopped; the instance's points are kept.");
            return Console.back(ctx);
        });
    }
}
