package coffer.server.api;

import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobType;
import coffer.server.auth.Role;
import coffer.server.http.Json;
import coffer.server.http.Routes;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Points: list per instance, show, delete; restore a disk or an instance from a point (each a job). */
public final class PointsApi {
    private final ApiContext api;
    private final coffer.engine.plan.PointLifecycle lifecycle;

    public PointsApi(ApiContext api, coffer.engine.plan.PointLifecycle lifecycle) {
        this.api = api;
        this.lifecycle = lifecycle;
    }

    public void register(Routes routes) {
        routes.get(Routes.PREFIX + "/instances/{instance}/points", Role.viewer, this::listOfInstance)
                .get(Routes.PREFIX + "/points", Role.viewer, this::list)
                .get(Routes.PREFIX + "/points/{point}", Role.viewer, this::show)
                .delete(Routes.PREFIX + "/points/{point}", Role.admin, this::delete)
                .post(Routes.PREFIX + "/points/{point}/restore-disk", Role.operator, this::restoreDisk)
                .post(Routes.PREFIX + "/points/{point}/restore-instance", Role.operator, this::restoreInstance);
    }

    private void listOfInstance(Context ctx) {
        Instance instance = api.instance(ctx.pathParam("instance"));
        write(ctx, api.catalog().points().listByInstance(instance.id()));
    }

    private void list(Context ctx) {
        String instance = ctx.queryParam("instance");
        write(ctx, instance == null ? api.catalog().points().listAll()
                : api.catalog().points().listByInstance(api.instance(instance).id()));
    }

    private void write(Context ctx, List<PointRecord> points) {
        List<Map<String, Object>> views = points.stream().sorted(Comparator.comparing(PointRecord::createdAt).reversed())
                .map(Views::point).toList();
        Json.write(ctx, 200, Views.list("points", views));
    }

    private void show(Context ctx) {
        Json.write(ctx, 200, Views.point(point(ctx.pathParam("point"))));
    }

    private void delete(Context ctx) {
        PointRecord point = point(ctx.pathParam("point"));
        lifecycle.delete(point.id()); // BackupPointImmutable while immutable and unexpired; manifest, then row
        Json.write(ctx, 200, Map.of("deleted", point.id()));
    }

    private void restoreDisk(Context ctx) {
        PointRecord point = point(ctx.pathParam("point"));
        Requests.RestoreDisk request = Json.body(ctx, Requests.RestoreDisk.class);
        request.validate();
        if (point.disks().stream().noneMatch(d -> d.target().equals(request.disk()))) {
            throw Requests.invalid("disk: point " + point.id() + " has no disk '" + request.disk() + "' (it has "
                    + String.join(", ", point.disks().stream().map(PointRecord.PointDisk::target).toList()) + ")");
        }
        ObjectNode params = Json.MAPPER.createObjectNode();
        params.put("disk", request.disk());
        params.put("to", request.to());
        params.put("format", request.format());
        params.put("inPlace", request.inPlace() != null && request.inPlace());
        submit(ctx, JobType.restore_disk, point, params);
    }

    private void restoreInstance(Context ctx) {
        PointRecord point = point(ctx.pathParam("point"));
        Requests.RestoreInstance request = Json.body(ctx, Requests.RestoreInstance.class);
        request.validate();
        ObjectNode params = Json.MAPPER.createObjectNode();
        params.put("name", request.name());
        params.put("start", request.start() != null && request.start());
        params.put("inPlace", request.inPlace() != null && request.inPlace());
        submit(ctx, JobType.restore_instance, point, params);
    }

    private void submit(Context ctx, JobType type, PointRecord point, ObjectNode params) {
        String host = api.catalog().instances().find(point.instanceId()).map(Instance::hostId)
                .orElse(api.config().hosts().getFirst().id());
        Job job = api.catalog().jobs().submit(type, point.id(), host, params);
        Json.write(ctx, 202, Views.job(job));
    }

    private PointRecord point(String id) {
        return api.catalog().points().find(id).orElseThrow(() -> new CofferException(ErrorCode.PointNotFound,
                "no point '" + id + "' in the catalog"));
    }
}
