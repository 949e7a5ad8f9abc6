package coffer.server.api;

import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Protection;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.AppConsistencyJson;
import coffer.engine.job.Job;
import coffer.engine.job.JobType;
import coffer.server.auth.Role;
import coffer.server.http.Json;
import coffer.server.http.Routes;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Hosts and instances (discovered, refreshed), manual backup and clone of an instance. */
public final class InstancesApi {
    private final ApiContext api;

    public InstancesApi(ApiContext api) {
        this.api = api;
    }

    public void register(Routes routes) {
        routes.get(Routes.PREFIX + "/hosts", Role.viewer, this::hosts)
                .post(Routes.PREFIX + "/hosts/{host}/refresh", Role.operator, this::refresh)
                .get(Routes.PREFIX + "/instances", Role.viewer, this::list)
                .get(Routes.PREFIX + "/instances/{instance}", Role.viewer, this::show)
                .post(Routes.PREFIX + "/instances/{instance}/backups", Role.operator, this::backup)
                .post(Routes.PREFIX + "/instances/{instance}/clone", Role.operator, this::cloneNow);
    }

    private void hosts(Context ctx) {
        Json.write(ctx, 200, Views.list("hosts", api.catalog().hosts().list()));
    }

    private void refresh(Context ctx) {
        String host = ctx.pathParam("host");
        api.catalog().hosts().find(host).orElseThrow(() -> new CofferException(ErrorCode.ResourceNotFound,
                "no host '" + host + "'"));
        api.refreshHost().accept(host);
        Json.write(ctx, 200, Views.list("instances", views(api.catalog().instances().list(host))));
    }

    private void list(Context ctx) {
        String host = ctx.queryParam("host");
        List<Instance> instances = host == null ? api.catalog().instances().listAll() : api.catalog().instances().list(host);
        String protectedOnly = ctx.queryParam("protected");
        List<Map<String, Object>> views = views(instances);
        if (protectedOnly != null) {
            boolean wanted = switch (protectedOnly) {
                case "true" -> true;
                case "false" -> false;
                default -> throw Requests.invalid("protected: true or false, got '" + protectedOnly + "'");
            };
            views = views.stream().filter(v -> (Boolean) v.get("protected") == wanted).toList();
        }
        Json.write(ctx, 200, Views.list("instances", views));
    }

    private void show(Context ctx) {
        Instance instance = api.instance(ctx.pathParam("instance"));
        Json.write(ctx, 200, Views.instance(instance, api.catalog().protections().find(instance.id()).orElse(null)));
    }

    private void backup(Context ctx) {
        Requests.Backup request = Json.body(ctx, Requests.Backup.class);
        request.validate();
        Instance instance = live(api.instance(ctx.pathParam("instance")));
        Protection protection = api.catalog().protections().find(instance.id()).orElse(null);
        String vault = api.vault(request.vault() != null ? request.vault() : protection != null ? protection.vault() : null);
        List<String> disks = request.disks() != null ? request.disks()
                : protection != null && !protection.allDisks() ? protection.disks() : null;
        ObjectNode params = Json.MAPPER.createObjectNode();
        params.put("vault", vault);
        if (disks == null) {
            params.putNull("disks");
        } else {
            disks.forEach(params.putArray("disks")::add);
        }
        if (request.retentionDays() == null) {
            params.putNull("retentionDays");
        } else {
            params.put("retentionDays", request.retentionDays());
        }
        params.set("appConsistent", AppConsistencyJson.write(request.consistency()));
        params.put("replicate", request.replicate() != null && request.replicate());
        Job job = api.catalog().jobs().submit(JobType.backup, instance.id(), instance.hostId(), params);
        Json.write(ctx, 202, Views.job(job));
    }

    private void cloneNow(Context ctx) {
        Requests.Clone request = Json.body(ctx, Requests.Clone.class);
        request.validate();
        Instance instance = live(api.instance(ctx.pathParam("instance")));
        ObjectNode params = Json.MAPPER.createObjectNode();
        params.put("name", request.name());
        params.put("vault", api.vault(request.vault()));
        Job job = api.catalog().jobs().submit(JobType.clone, instance.id(), instance.hostId(), params);
        Json.write(ctx, 202, Views.job(job));
    }

    private static Instance live(Instance instance) {
        if (instance.gone()) {
            throw new CofferException(ErrorCode.InstanceReleased, "instance '" + instance.name() + "' (" + instance.id()
                    + ") no longer exists on host '" + instance.hostId() + "'");
        }
        return instance;
    }

    private List<Map<String, Object>> views(List<Instance> instances) {
        Map<String, Protection> protections = api.catalog().protections().list().stream()
                .collect(Collectors.toMap(Protection::instanceId, Function.identity()));
        return instances.stream().map(i -> Views.instance(i, protections.get(i.id()))).toList();
    }
}
