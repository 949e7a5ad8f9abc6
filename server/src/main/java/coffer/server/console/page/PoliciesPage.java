package coffer.server.console.page;

import coffer.engine.error.CofferException;
import coffer.engine.operation.*;
import coffer.server.console.Console;
import coffer.server.console.ConsoleRoutes;
import coffer.server.console.ConsoleSession;
import coffer.server.console.Frame;
import coffer.server.console.Notice;
import coffer.server.http.Routes;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.List;

/**
 * The policy center: policies with their schedule, retention, immutability, consistency and replication; create,
 * edit and delete. A refused form is shown again as it was typed, with the refusal's code and remedy (the
 * policy document's own messages: PolicyHasPermanentRetention, NoDestinationRegion, InvalidArgument). Stateless.
 */
public final class PoliciesPage implements ConsoleRoutes {
    /** One page of policies; {@code next} the next page's link (null on the last), {@code later} past the first. */
    public record ListModel(Frame frame, List<PolicyView> policies, String next, boolean later) {
    }

    static final int PAGE = 50;

    /** The form: {@code policy} is the edited policy's id (null: a new one). */
    public record FormModel(Frame frame, String policy, PolicyForm form) {
        public List<String> units() {
            return PolicyForm.UNITS;
        }
    }

    @Override
    public void register(Routes routes, Console console) {
        console.page(routes, "/policies", ListPolicies.class, (ctx, session) -> {
            String cursor = Show.blank(ctx.queryParam("cursor"));
            PolicyList page = console.operations().call(new ListPolicies(null, cursor, PAGE));
            console.render(ctx, "policies.jte", new ListModel(console.frame(session, "Policies", "policies"), page.policies(),
                    Show.nextPage("/policies", page.nextCursor()), cursor != null));
        });
        console.page(routes, "/policies/new", ListPolicies.class, (ctx, session) -> console.render(ctx, "policy-form.jte",
                new FormModel(console.frame(session, "New policy", "policies"), null, PolicyForm.empty(Instant.now()))));
        console.page(routes, "/policies/{policy}/edit", ShowPolicy.class, (ctx, session) -> {
            PolicyView policy = console.operations().call(new ShowPolicy(ctx.pathParam("policy")));
            console.render(ctx, "policy-form.jte", new FormModel(console.frame(session, "Edit policy " + policy.name(),
                    "policies"), policy.id(), PolicyForm.of(policy)));
        });
        console.change(routes, "/policies", CreatePolicy.class, (ctx, session) -> save(console, ctx, session, null));
        console.change(routes, "/policies/{policy}", EditPolicy.class, (ctx, session) ->
                save(console, ctx, session, ctx.pathParam("policy")));
        console.change(routes, "/policies/{policy}/delete", DeletePolicy.class, (ctx, session) -> {
            console.operations().call(new DeletePolicy(ctx.pathParam("policy")));
            console.notify(session, "Policy deleted.");
            return "/policies";
        });
    }

    private static String save(Console console, Context ctx, ConsoleSession session, String policy) {
        PolicyForm form = read(ctx);
        try {
            PolicyView saved = policy == null ? console.operations().call(new CreatePolicy(form.document()))
                    : console.operations().call(new EditPolicy(policy, form.document()));
            console.notify(session, "Policy " + saved.name() + (policy == null ? " created." : " saved."));
            return "/policies";
        } catch (CofferException e) {
            ctx.status(e.code().httpStatus());
            console.render(ctx, "policy-form.jte", new FormModel(new Frame(policy == null ? "New policy" : "Edit policy",
                    "policies", session, Notice.problem(e)), policy, form));
            return null;
        }
    }

    private static PolicyForm read(Context ctx) {
        Form f = new Form(ctx);
        return new PolicyForm(nz(f.text("name")), nz(f.text("start")), nz(f.text("every")), nz(f.text("unit")),
                nz(f.text("zone")), nz(f.text("keepFor")), nz(f.text("keepLatest")), nz(f.text("calendar")),
                f.checked("immutable"), f.checked("appConsistent"), f.checked("freezeFileSystems"),
                f.checked("includeWriters"), nz(f.text("scriptTimeoutSeconds")), f.checked("replicate"),
                nz(f.text("destinationRegion")), nz(f.text("destinationVault")), nz(f.text("replicaRetention")),
                nz(f.text("keyId")));
    }

    private static String nz(String text) {
        return text == null ? "" : text;
    }
}
