package coffer.server.console.page;

import coffer.engine.error.Problems;
import coffer.engine.operation.*;
import coffer.server.console.Console;
import coffer.server.console.ConsoleRoutes;
import coffer.server.console.Frame;
import coffer.server.http.Routes;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;

/**
 * Backup points: the list filtered by instance, consistency group, consistency and creation date, one page of {@link #PAGE} read at a
 * time (ListPoints' filters, limit and offset: the catalog reads only that page),
 * and one point's page: its disks, expiry and retention, extend retention, delete (an immutable point's refusal
 * shown with its code), restore a disk, restore the instance. Stateless.
 */
public final class PointsPage implements ConsoleRoutes {
    static final int PAGE = 50;
    static final List<String> CONSISTENCIES = ListPoints.CONSISTENCIES;

    /** The list's filters as given (null: not filtering); {@code page} from 0. */
    public record Filter(String instance, String group, String consistency, String from, String to, int page,
                         String region) {
        /** The query string of this filter on another page. */
        public String query(int page) {
            return "?instance=" + Show.query(instance) + "&group=" + Show.query(group) + "&consistency="
                    + Show.query(consistency) + "&from="
                    + Show.query(from) + "&to=" + Show.query(to) + "&region=" + Show.query(region) + "&page=" + page;
        }
    }

    public record ListModel(Frame frame, Filter filter, List<InstanceView> instances, List<GroupView> groups,
                            List<PointView> points, int matching, int pages, List<String> regions) {
        public List<String> consistencies() {
            return CONSISTENCIES;
        }
    }

    public record PointModel(Frame frame, PointDetail point, RetentionView retention, PointAssurance assurance) {
    }

    @Override
    public void register(Routes routes, Console console) {
        console.page(routes, "/points", ListPoints.class, (ctx, session) -> list(console, ctx, session));
        console.page(routes, "/points/{point}", ShowPoint.class, (ctx, session) -> {
            String id = ctx.pathParam("point");
            PointDetail point = console.operations().call(new ShowPoint(id));
            RetentionView retention = console.operations().call(new ShowRetention(point.id()));
            console.render(ctx, "point.jte", new PointModel(console.frame(session, "Point " + point.id(), "points"), point,
                    retention, PointAssurance.of(console, point)));
        });
        console.change(routes, "/points/{point}/retention", ChangeRetention.class, (ctx, session) -> {
            Form form = new Form(ctx);
            boolean never = form.checked("neverExpire");
            RetentionView view = console.operations().call(new ChangeRetention(ctx.pathParam("point"),
                    never ? null : form.whole("extendDays"), never ? true : null));
            console.notify(session, view.expiresAt() == null ? "The point never expires now."
                    : "The point now expires at " + Show.time(view.expiresAt()) + ".");
            return "/points/" + Show.query(ctx.pathParam("point"));
        });
        console.change(routes, "/points/{point}/delete", DeletePoint.class, (ctx, session) -> {
            console.operations().call(new DeletePoint(ctx.pathParam("point")));
            console.notify(session, "Point " + ctx.pathParam("point") + " deleted; the vault's gc reclaims its chunks.");
            return "/points";
        });
        console.change(routes, "/points/{point}/restore-disk", RestoreDisk.class, (ctx, session) -> {
            Form form = new Form(ctx);
            boolean inPlace = form.checked("inPlace");
            var run = console.operations().start(new RestoreDisk(ctx.pathParam("point"), form.text("disk"),
                    inPlace ? null : form.text("to"), inPlace ? null : form.text("format"), inPlace, form.checked("force"),
                    inPlace && form.checked("full")));
            return "/jobs/" + run.job().orElseThrow().id();
        });
        console.change(routes, "/points/{point}/restore-instance", RestoreInstance.class, (ctx, session) -> {
            Form form = new Form(ctx);
            boolean inPlace = form.checked("inPlace");
            var run = console.operations().start(new RestoreInstance(ctx.pathParam("point"), inPlace ? null : form.text("name"),
                    !inPlace && form.checked("start"), inPlace, null, null, null, null, null, false, null, null,
                    inPlace && form.checked("full")));
            return "/jobs/" + run.job().orElseThrow().id();
        });
    }

    private static void list(Console console, Context ctx, coffer.server.console.ConsoleSession session) {
        Filter filter = new Filter(blank(ctx.queryParam("instance")), blank(ctx.queryParam("group")),
                blank(ctx.queryParam("consistency")),
                blank(ctx.queryParam("from")), blank(ctx.queryParam("to")), page(ctx.queryParam("page")),
                blank(ctx.queryParam("region")));
        Problems problems = new Problems();
        Instant from = day(filter.from(), "from", problems, 0);
        Instant to = day(filter.to(), "to", problems, 1);
        problems.throwIfAny("point filter");
        PointList matching = console.operations().call(new ListPoints(filter.instance(), filter.group(), filter.region(), null,
                filter.consistency(), from, to, null, PAGE, filter.page() * PAGE));
        int pages = Math.max(1, (matching.total() + PAGE - 1) / PAGE);
        List<InstanceView> instances = console.operations().call(ListInstances.first(ListInstances.MAX_LIMIT)).instances().stream()
                .sorted(Comparator.comparing(InstanceView::name)).toList();
        List<GroupView> groups = console.operations().call(new ListGroups(null, null, ListGroups.MAX_LIMIT)).groups();
        console.render(ctx, "points.jte", new ListModel(console.frame(session, "Backup points", "points"), filter, instances,
                groups, matching.points(), matching.total(), pages, RegionsPage.names(console)));
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static int page(String text) {
        try {
            return text == null ? 0 : Math.min(1_000_000, Math.max(0, Integer.parseInt(text)));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The start of this UTC day (plus {@code days}); null when absent. */
    private static Instant day(String text, String field, Problems problems, int days) {
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.parse(text).plusDays(days).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            problems.add(field, "a date YYYY-MM-DD, got '" + text + "'");
            return null;
        }
    }
}
