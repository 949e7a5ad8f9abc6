package coffer.server.console.page;

import coffer.engine.operation.AcknowledgeAlert;
import coffer.engine.operation.AlertList;
import coffer.engine.operation.AlertView;
import coffer.engine.operation.InstanceView;
import coffer.engine.operation.ListAlerts;
import coffer.engine.operation.ListInstances;
import coffer.server.console.Console;
import coffer.server.console.ConsoleRoutes;
import coffer.server.console.Frame;
import coffer.server.http.Routes;

import java.util.Comparator;
import java.util.List;

/**
 * Change alerts (docs/design/assurance.md): the standing ones of every instance, or every instance's or one instance's
 * alerts with the acknowledged ones (who, when, why); acknowledge (operator: the API's role for {@link AcknowledgeAlert}), attributed
 * to the signed-in token as the API attributes it to the caller's. Stateless.
 */
public final class AlertsPage implements ConsoleRoutes {
    static final int PAGE = 100;

    /**
     * {@code instance}: the filter as given (null: the standing alerts of all); {@code acknowledged}: every instance's
     * acknowledged alerts too; {@code cursor}: this page's (null: the first, newest), {@code nextCursor}: the next
     * (older) page's (null: the last).
     */
    public record Model(Frame frame, String instance, boolean acknowledged, List<InstanceView> instances,
                        List<AlertView> alerts, String cursor, String nextCursor) {
        /** Where the acknowledge form comes back to: the same list and page. */
        public String back() {
            return first() + (cursor == null ? "" : "&cursor=" + Show.query(cursor));
        }

        /** The first (newest) page with the same filters. */
        public String first() {
            return "/alerts?instance=" + Show.query(instance) + (acknowledged ? "&acknowledged=on" : "");
        }

        /** The next (older) page's link, null on the last page. */
        public String next() {
            return nextCursor == null ? null : first() + "&cursor=" + Show.query(nextCursor);
        }
        /** The instance's name, or its id when the server no longer lists it. */
        public String name(String instanceId) {
            return instances.stream().filter(i -> i.id().equals(instanceId)).map(InstanceView::name).findFirst()
                    .orElse(instanceId);
        }
    }

    @Override
    public void register(Routes routes, Console console) {
        console.page(routes, "/alerts", ListAlerts.class, (ctx, session) -> {
            String instance = blank(ctx.queryParam("instance"));
            boolean acknowledged = ctx.queryParam("acknowledged") != null;
            String cursor = blank(ctx.queryParam("cursor"));
            AlertList page = console.operations().call(new ListAlerts(instance, PAGE, acknowledged ? true : null, cursor));
            List<InstanceView> instances = console.operations().call(new ListInstances(null, null)).instances().stream()
                    .sorted(Comparator.comparing(InstanceView::name)).toList();
            console.render(ctx, "alerts.jte", new Model(console.frame(session, "Change alerts", "alerts"), instance,
                    acknowledged, instances, page.alerts(), cursor, page.nextCursor()));
        });
        console.change(routes, "/alerts/{alert}/acknowledge", AcknowledgeAlert.class, (ctx, session) -> {
            AlertView alert = console.operations().call(new AcknowledgeAlert(ctx.pathParam("alert"),
                    new Form(ctx).text("note"), null).attributedTo(session.tokenName()));
            console.notify(session, "Alert " + alert.id() + " acknowledged by " + alert.acknowledgedBy()
                    + "; retention resumes for the instance once none of its alerts stands.");
            return Console.back(ctx);
        });
    }

    static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
