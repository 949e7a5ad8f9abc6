package coffer.server.api;

import coffer.engine.catalog.GroupPointRecord;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceGroup;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.AppConsistency;
import coffer.engine.instance.AppConsistencyJson;
import coffer.engine.job.Job;
import coffer.engine.job.JobType;
import coffer.server.auth.Role;
import coffer.server.http.Json;
import coffer.server.http.Routes;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Consistency groups (docs/design/consistency-groups.md): create, list, show and delete groups of instances
 * of one host; back up, clone now, list the group points, and restore a group point. Backups, clones and
 * restores are jobs (group_backup, group_clone, group_restore) on the group's host.
 */
public final class GroupsApi {
    private final ApiContext api;

    public GroupsApi(ApiContext api) {
        this.api = api;
    }

    public void register(Routes routes) {
        routes.get(Routes.PREFIX + "/groups", Role.viewer, this::list)
                .post(Routes.PREFIX + "/groups", Role.operator, this::create)
                .get(Routes.PREFIX + "/groups/{group}", Role.viewer, this::show)
                .delete(Routes.PREFIX + "/groups/{group}", Role.operator, this::delete)
                .post(Routes.PREFIX + "/groups/{group}/backups", Role.operator, this::backup)
                .get(Routes.PREFIX + "/groups/{group}/points", Role.viewer, this::points)
                .post(Routes.PREFIX + "/groups/{group}/clone", Role.operator, this::cloneNow)
                .post(Routes.PREFIX + "/group-points/{point}/restore", Role.operator, this::restore);
    }

    private void list(Context ctx) {
        Json.write(ctx, 200, Views.list("groups", api.catalog().groups().list().stream().map(this::view).toList()));
    }

    private void create(Context ctx) {
        GroupRequests.Create request = Json.body(ctx, GroupRequests.Create.class);
        request.validate();
        List<Instance> members = new ArrayList<>();
        for (String reference : request.instances()) {
            members.add(live(api.instance(reference)));
        }
        TreeSet<String> hosts = new TreeSet<>(members.stream().map(Instance::hostId).toList());
        if (hosts.size() > 1) {
            throw Requests.invalid("instances: a group's members must share one host (one instant needs one hypervisor);"
                    + " these are on hosts " + hosts);
        }
        if (members.stream().map(Instance::id).distinct().count() != members.size()) {
            throw Requests.invalid("instances: an instance is named twice (by UUID and by name)");
        }
        InstanceGroup group = api.catalog().groups().create(request.name(), hosts.first(),
                members.stream().map(Instance::id).toList());
        Json.write(ctx, 201, view(group));
    }

    private void show(Context ctx) {
        Json.write(ctx, 200, view(group(ctx)));
    }

    private void delete(Context ctx) {
        InstanceGroup group = group(ctx);
        api.catalog().groups().delete(group.id());
        Json.write(ctx, 200, Map.of("deleted", group.id(), "name", group.name()));
    }

    private void backup(Context ctx) {
        GroupRequests.Backup request = Json.body(ctx, GroupRequests.Backup.class);
        AppConsistency consistency = request.validate();
        InstanceGroup group = group(ctx);
        ObjectNode params = Json.MAPPER.createObjectNode();
        params.put("vault", api.vault(request.vault()));
        if (request.retentionDays() != null) {
            params.put("retentionDays", request.retentionDays());
        }
        params.set("appConsistent", AppConsistencyJson.write(consistency));
        submit(ctx, JobType.group_backup, group.id(), group.hostId(), params);
    }

    private void cloneNow(Context ctx) {
        GroupRequests.Clone request = Json.body(ctx, GroupRequests.Clone.class);
        AppConsistency consistency = request.validate();
        InstanceGroup group = group(ctx);
        ObjectNode params = Json.MAPPER.createObjectNode().put("suffix", request.suffix()).put("vault", api.vault(request.vault()));
        params.set("appConsistent", AppConsistencyJson.write(consistency));
        submit(ctx, JobType.group_clone, group.id(), group.hostId(), params);
    }

    private void points(Context ctx) {
        InstanceGroup group = group(ctx);
        Json.write(ctx, 200, Views.list("points", api.catalog().groups().points(group.id()).stream().map(this::view).toList()));
    }

    private void restore(Context ctx) {
        GroupRequests.Restore request = Json.body(ctx, GroupRequests.Restore.class);
        request.validate();
        String id = ctx.pathParam("point");
        GroupPointRecord point = api.catalog().groups().findPoint(id).orElseThrow(() -> new CofferException(
                ErrorCode.PointNotFound, "no group point '" + id + "'; list them with GET /api/v1/groups/{group}/points"));
        ObjectNode params = Json.MAPPER.createObjectNode().put("suffix", request.suffix())
                .put("start", request.start() != null && request.start())
                .put("inPlace", request.inPlace() != null && request.inPlace());
        Instance first = api.catalog().instances().find(point.instanceIds().getFirst()).orElseThrow(() -> new CofferException(
                ErrorCode.InstanceNotFound, "group point " + id + ": its instance " + point.instanceIds().getFirst()
                + " is not in the catalog"));
        submit(ctx, JobType.group_restore, point.id(), first.hostId(), params);
    }

    private void submit(Context ctx, JobType type, String target, String hostId, ObjectNode params) {
        Job job = api.catalog().jobs().submit(type, target, hostId, params);
        Json.write(ctx, 202, Views.job(job));
    }

    private InstanceGroup group(Context ctx) {
        String reference = ctx.pathParam("group");
        return api.catalog().groups().resolve(reference).orElseThrow(() -> new CofferException(ErrorCode.ResourceNotFound,
                "no consistency group '" + reference + "' (by id or name); list them with GET /api/v1/groups"));
    }

    private static Instance live(Instance instance) {
        if (instance.gone()) {
            throw new CofferException(ErrorCode.InstanceReleased, "instance '" + instance.name() + "' (" + instance.id()
                    + ") no longer exists on host '" + instance.hostId() + "'");
        }
        return instance;
    }

    private Map<String, Object> view(InstanceGroup group) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", group.id());
        view.put("name", group.name());
        view.put("host", group.hostId());
        List<Map<String, Object>> members = new ArrayList<>();
        for (String id : group.instanceIds()) {
            Optional<Instance> instance = api.catalog().instances().find(id);
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("id", id);
            member.put("name", instance.map(Instance::name).orElse(null));
            member.put("state", instance.map(i -> i.gone() ? "gone" : i.state()).orElse("gone"));
            members.add(member);
        }
        view.put("instances", members);
        view.put("createdAt", group.createdAt().toString());
        return view;
    }

    private Map<String, Object> view(GroupPointRecord point) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", point.id());
        view.put("group", point.groupId());
        view.put("groupName", point.groupName());
        view.put("vault", point.vault());
        view.put("instant", point.instant().toString());
        view.put("mode", point.mode());
        view.put("pauseMillis", point.pauseMillis());
        view.put("freezeMillis", point.freezeMillis());
        view.put("job", point.jobId());
        List<Map<String, Object>> members = new ArrayList<>();
        boolean complete = true;
        for (int i = 0; i < point.pointIds().size(); i++) {
            Optional<PointRecord> row = api.catalog().points().find(point.pointIds().get(i));
            complete &= row.isPresent();
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("instance", point.instanceIds().get(i));
            member.put("instanceName", row.map(PointRecord::instanceName).orElse(null));
            member.put("point", point.pointIds().get(i));
            member.put("consistency", row.map(PointRecord::consistency).orElse(null));
            members.add(member);
        }
        view.put("members", members);
        view.put("complete", complete);
        return view;
    }
}
