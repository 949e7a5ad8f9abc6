package coffer.server.api;

import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Protection;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.server.auth.Role;
import coffer.server.http.Json;
import coffer.server.http.Routes;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The protected list: add up to 99 instances in one request ("protect all disks" by default, which includes
 * disks attached later, or a disk list), list, and stop protection (the instance leaves the list; its
 * points stay).
 */
public final class ProtectionsApi {
    private final ApiContext api;
    private final coffer.engine.plan.PlanBinding plans;

    public ProtectionsApi(ApiContext api, coffer.engine.plan.PlanBinding plans) {
        this.api = api;
        this.plans = plans;
    }

    public void register(Routes routes) {
        routes.get(Routes.PREFIX + "/protections", Role.viewer, this::list)
                .post(Routes.PREFIX + "/protections", Role.operator, this::protect)
                .delete(Routes.PREFIX + "/protections/{instance}", Role.operator, this::stop);
    }

    private void list(Context ctx) {
        List<Map<String, Object>> views = api.catalog().protections().list().stream()
                .map(p -> Views.protection(p, api.catalog().instances().find(p.instanceId()).orElse(null))).toList();
        Json.write(ctx, 200, Views.list("protections", views));
    }

    private void protect(Context ctx) {
        Requests.Protect request = Json.body(ctx, Requests.Protect.class);
        request.validate(api.config().limits().instancesPerRequest());
        String vault = api.vault(request.vault());
        boolean all = request.allDisks() == null || request.allDisks();
        List<Protection> protections = new ArrayList<>();
        List<Map<String, Object>> views = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Map<String, Optional<Instance>> resolved = api.findAll(request.instances());
        for (String name : request.instances()) {
            Instance instance = resolved.get(name).orElse(null);
            if (instance == null || instance.gone()) {
                missing.add(name);
                continue;
            }
            if (!all) {
                for (String disk : request.disks()) {
                    if (instance.disks().stream().noneMatch(d -> d.target().equals(disk))) {
                        throw Requests.invalid("disks: instance '" + instance.name() + "' has no disk '" + disk + "' (it has "
                                + String.join(", ", instance.disks().stream().map(d -> d.target()).toList()) + ")");
                    }
                }
            }
            Protection p = new Protection(instance.id(), all, all ? List.of() : request.disks(), vault, Instant.now());
            protections.add(p);
            views.add(Views.protection(p, instance));
        }
        if (!missing.isEmpty()) {
            throw new CofferException(ErrorCode.InstanceNotFound, "instances: no instance named " + String.join(", ", missing)
                    + " on the hosts this server manages (refresh the host if it was just created); nothing was protected");
        }
        api.catalog().protections().protect(protections);
        Json.write(ctx, 201, Views.list("protections", views));
    }

    private void stop(Context ctx) {
        Instance instance = api.instance(ctx.pathParam("instance"));
        if (!plans.stopProtection(instance.id())) { // its plans are deleted, its points kept
            throw new CofferException(ErrorCode.InstanceNotProtected, "instance '" + instance.name() + "' is not protected");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("instance", instance.id());
        result.put("name", instance.name());
        result.put("protected", false);
        result.put("pointsKept", api.catalog().points().listByInstance(instance.id()).size());
        Json.write(ctx, 200, result);
    }
}
