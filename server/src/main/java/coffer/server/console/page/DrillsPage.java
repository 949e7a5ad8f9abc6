package coffer.server.console.page;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.DrillInstance;
import coffer.engine.operation.DrillList;
import coffer.engine.operation.InstanceView;
import coffer.engine.operation.ListDrills;
import coffer.engine.operation.ListInstances;
import coffer.server.console.Console;
import coffer.server.console.ConsoleRoutes;
import coffer.server.console.Frame;
import coffer.server.http.Routes;

import java.util.List;

/**
 * Restore drills (docs/design/assurance.md): per instance (by name, 100 a page) when it was last proven bootable and its drills, each passed
 * or failed (the phase and reason) with its timings (restore, boot to agent, check) and the check's exit status; run a
 * drill of an instance's newest point now, with an optional check command (operator: the API's role for
 * {@link DrillInstance}), which opens its job's page. The instance is typed, a name or a UUID looked up by the server as
 * the API's {@link DrillInstance} does, so every instance is reached whatever page is shown; as it is typed its
 * suggestions are replaced by the first {@link #SUGGESTIONS} instances with a point whose name holds the text ({@code
 * /drills/instances}: {@link ListInstances}' name and {@code withPoints} filters, {@code FoldedName}; the first by
 * name when the field is emptied; none for text the name filter refuses), never a list of every instance. The check
 * command is split at spaces (no quoting: a command whose words hold spaces is given through the API or the CLI).
 * Stateless.
 */
public final class DrillsPage implements ConsoleRoutes {
    /** Instances shown a page. */
    static final int PAGE = 100;
    /** Instances suggested for the drill form's name, at most. */
    static final int SUGGESTIONS = 20;

    /** One instance suggested for the drill form: its UUID (the value sent) and what is shown with it. */
    public record Suggestion(String id, String label) {
        static Suggestion of(InstanceView i) {
            return new Suggestion(i.id(), i.name() + " (" + i.host() + ")");
        }

        static Suggestion of(DrillList.InstanceDrills i) {
            return new Suggestion(i.instance(), i.instanceName());
        }
    }

    /**
     * {@code instance}: the filter (null: every instance with points); {@code cursor}: this page's (null: the first),
     * {@code nextCursor}: the next page's (null: the last).
     */
    public record Model(Frame frame, String instance, List<DrillList.InstanceDrills> instances, String cursor,
                        String nextCursor) {
        /** The drill form's first suggestions: the instances of this page. */
        public List<Suggestion> suggestions() {
            return instances.stream().map(Suggestion::of).toList();
        }

        /** The first page with the same filter. */
        public String first() {
            return "/drills?instance=" + Show.query(instance);
        }

        /** The next page's link, null on the last page. */
        public String next() {
            return nextCursor == null ? null : first() + "&cursor=" + Show.query(nextCursor);
        }
    }

    @Override
    public void register(Routes routes, Console console) {
        console.page(routes, "/drills", ListDrills.class, (ctx, session) -> {
            String instance = AlertsPage.blank(ctx.queryParam("instance"));
            String cursor = Show.blank(ctx.queryParam("cursor"));
            DrillList page = console.operations().call(new ListDrills(instance, cursor, PAGE, null));
            console.render(ctx, "drills.jte", new Model(console.frame(session, "Restore drills", "drills"), instance,
                    page.instances(), cursor, page.nextCursor()));
        });
        // the drill form's suggestions as a name is typed (htmx replaces the datalist): a bounded lookup, not a list
        console.page(routes, "/drills/instances", ListInstances.class, (ctx, session) -> {
            String text = ctx.queryParam("instance");
            String holds = text == null || text.isBlank() ? null : text.strip();
            // nothing typed: the first instances by name; text the name filter refuses (its InvalidArgument: too long,
            // control characters) names no instance
            ListInstances request;
            try {
                request = new ListInstances(null, null, null, null, null, null, SUGGESTIONS, holds, true);
            } catch (CofferException refused) {
                if (refused.code() != ErrorCode.InvalidArgument) {
                    throw refused;
                }
                request = null;
            }
            List<Suggestion> found = request == null ? List.of()
                    : console.operations().call(request).instances().stream().map(Suggestion::of).toList();
            console.render(ctx, "drill-suggestions.jte", found);
        });
        console.change(routes, "/drills", DrillInstance.class, (ctx, session) -> {
            Form form = new Form(ctx);
            var run = console.operations().start(new DrillInstance(form.text("instance"), form.list("check")));
            return "/jobs/" + run.job().orElseThrow().id();
        });
    }
}
