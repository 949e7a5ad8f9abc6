package coffer.server.console.page;

import coffer.engine.operation.DrillInstance;
import coffer.engine.operation.DrillList;
import coffer.engine.operation.ListDrills;
import coffer.server.console.Console;
import coffer.server.console.ConsoleRoutes;
import coffer.server.console.Frame;
import coffer.server.http.Routes;

import java.util.List;

/**
 * Restore drills (docs/design/assurance.md): per instance (by name, 100 a page) when it was last proven bootable and its drills, each passed
 * or failed (the phase and reason) with its timings (restore, boot to agent, check) and the check's exit status; run a
 * drill of an instance's newest point now, with an optional check command (operator: the API's role for
 * {@link DrillInstance}), which opens its job's page. The check command is split at spaces (no quoting: a command
 * whose words hold spaces is given through the API or the CLI). Stateless.
 */
public final class DrillsPage implements ConsoleRoutes {
    /** Instances shown a page. */
    static final int PAGE = 100;

    /**
     * {@code instance}: the filter (null: every instance with points); {@code cursor}: this page's (null: the first),
     * {@code nextCursor}: the next page's (null: the last).
     */
    public record Model(Frame frame, String instance, List<DrillList.InstanceDrills> instances, String cursor,
                        String nextCursor) {
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
        console.change(routes, "/drills", DrillInstance.class, (ctx, session) -> {
            Form form = new Form(ctx);
            var run = console.operations().start(new DrillInstance(form.text("instance"), form.list("check")));
            return "/jobs/" + run.job().orElseThrow().id();
        });
    }
}
