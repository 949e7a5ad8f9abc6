package coffer.server.console.page;

import coffer.engine.operation.*;
import coffer.server.console.Console;
import coffer.server.console.ConsoleRoutes;
import coffer.server.console.Frame;
import coffer.server.http.Routes;

import java.util.Comparator;
import java.util.List;

/**
 * Consistency groups (docs/design/consistency-groups.md): the groups with their members, create one from instances,
 * back one up now (one point per member at one instant), delete (group points kept); a group's page clones the group
 * (new instances, one suffix) and lists its group
 * points with each member's point and restores one as new instances or in place. Stateless.
 */
public final class GroupsPage implements ConsoleRoutes {
    /** One page of groups; {@code next} the next page's link (null on the last), {@code later} past the first. */
    public record ListModel(Frame frame, List<GroupView> groups, List<InstanceView> instances, String next, boolean later) {
    }

    static final int PAGE = 50;

    /** A group with one page of its points; {@code next} the next page's link (null on the last), {@code later} past the first. */
    public record GroupModel(Frame frame, GroupView group, List<GroupPointView> points, String next, boolean later) {
    }

    @Override
    public void register(Routes routes, Console console) {
        console.page(routes, "/groups", ListGroups.class, (ctx, session) -> {
            String cursor = Show.blank(ctx.queryParam("cursor"));
            GroupList page = console.operations().call(new ListGroups(null, cursor, PAGE));
            console.render(ctx, "groups.jte", new ListModel(console.frame(session, "Consistency groups", "groups"),
                    page.groups(), console.operations().call(ListInstances.first(ListInstances.MAX_LIMIT)).instances().stream()
                            .filter(i -> !"gone".equals(i.state())).sorted(Comparator.comparing(InstanceView::name)).toList(),
                    Show.nextPage("/groups", page.nextCursor()), cursor != null));
        });
        console.page(routes, "/groups/{group}", ShowGroup.class, (ctx, session) -> {
            GroupView group = console.operations().call(new ShowGroup(ctx.pathParam("group")));
            String cursor = Show.blank(ctx.queryParam("cursor"));
            GroupPointList points = console.operations().call(new ListGroupPoints(group.id(), cursor, PAGE));
            console.render(ctx, "group.jte", new GroupModel(console.frame(session, "Group " + group.name(), "groups"), group,
                    points.points(), Show.nextPage("/groups/" + Show.query(group.id()), points.nextCursor()), cursor != null));
        });
        console.change(routes, "/groups", CreateGroup.class, (ctx, session) -> {
            Form form = new Form(ctx);
            GroupView group = console.operations().call(new CreateGroup(form.text("name"), form.all("instance")));
            console.notify(session, "Group " + group.name() + " created with " + group.instances().size() + " instance(s).");
            return "/groups";
        });
        console.change(routes, "/groups/{group}/backup", BackupGroup.class, (ctx, session) ->
                "/jobs/" + console.operations().start(new BackupGroup(ctx.pathParam("group"), null, null, null, null))
                        .job().orElseThrow().id());
        console.change(routes, "/groups/{group}/clone", CloneGroup.class, (ctx, session) ->
                "/jobs/" + console.operations().start(new CloneGroup(ctx.pathParam("group"), new Form(ctx).text("suffix"),
                        null, null, null, null)).job().orElseThrow().id());
        console.change(routes, "/groups/{group}/delete", DeleteGroup.class, (ctx, session) -> {
            console.operations().call(new DeleteGroup(ctx.pathParam("group")));
            console.notify(session, "Group deleted; its group points are kept.");
            return "/groups";
        });
        console.change(routes, "/group-points/{groupPoint}/restore", RestoreGroup.class, (ctx, session) -> {
            Form form = new Form(ctx);
            boolean inPlace = form.checked("inPlace");
            return "/jobs/" + console.operations().start(new RestoreGroup(ctx.pathParam("groupPoint"),
                    inPlace ? null : form.text("suffix"), !inPlace && form.checked("start"), inPlace, null,
                    inPlace && form.checked("full"))).job().orElseThrow().id();
        });
    }
}
