package coffer.server.console.page;

import coffer.engine.operation.*;
import coffer.server.console.Console;
import coffer.server.console.ConsoleRoutes;
import coffer.server.console.Frame;
import coffer.server.http.Routes;

import java.util.List;

/**
 * Protection plans: run now, suspend, resume, rename or bind to another policy, delete (the points are kept), stop protecting the instance (the points
 * are kept; InstancesPage runs it); the last outcome with its remedy. Stateless.
 */
public final class PlansPage implements ConsoleRoutes {
    /** One page of plans; {@code next} the next page's link (null on the last), {@code later} past the first. */
    public record Model(Frame frame, List<PlanView> plans, List<PolicyView> policies, String next, boolean later) {
    }

    static final int PAGE = 50;

    @Override
    public void register(Routes routes, Console console) {
        console.page(routes, "/plans", ListPlans.class, (ctx, session) -> {
            String cursor = Show.blank(ctx.queryParam("cursor"));
            PlanList page = console.operations().call(new ListPlans(null, null, null, cursor, PAGE));
            console.render(ctx, "plans.jte", new Model(console.frame(session, "Protection plans", "plans"), page.plans(),
                    console.operations().call(new ListPolicies(null, null, ListPolicies.MAX_LIMIT)).policies(), Show.nextPage("/plans", page.nextCursor()),
                    cursor != null));
        });
        console.change(routes, "/plans/{plan}", EditPlan.class, (ctx, session) -> {
            Form form = new Form(ctx);
            PlanView plan = console.operations().call(new EditPlan(ctx.pathParam("plan"), form.text("name"), form.text("policy")));
            console.notify(session, "Plan " + plan.name() + " saved; its schedule restarts from now.");
            return "/plans";
        });
        console.change(routes, "/plans/{plan}/run", RunPlan.class, (ctx, session) ->
                "/jobs/" + Show.query(console.operations().call(new RunPlan(ctx.pathParam("plan"))).id()));
        console.change(routes, "/plans/{plan}/suspend", SuspendPlan.class, (ctx, session) -> {
            console.operations().call(new SuspendPlan(ctx.pathParam("plan")));
            console.notify(session, "Plan suspended: its runs are skipped (PlanSuspended) until it is resumed.");
            return "/plans";
        });
        console.change(routes, "/plans/{plan}/resume", ResumePlan.class, (ctx, session) -> {
            console.operations().call(new ResumePlan(ctx.pathParam("plan")));
            console.notify(session, "Plan resumed.");
            return "/plans";
        });
        console.change(routes, "/plans/{plan}/delete", DeletePlan.class, (ctx, session) -> {
            Deleted deleted = console.operations().call(new DeletePlan(ctx.pathParam("plan")));
            console.notify(session, "Plan deleted" + (deleted.pointsKept() == null ? "" : "; " + deleted.pointsKept()
                    + " point(s) kept") + ".");
            return "/plans";
        });
    }
}
