package coffer.server.api;

import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Plan;
import coffer.engine.catalog.Protection;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.plan.PlanBinding;
import coffer.engine.plan.PlanScheduler;
import coffer.server.auth.Role;
import coffer.server.http.Json;
import coffer.server.http.Routes;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Protection plans: bind instances to a policy (protecting them first when they are not yet: all disks,
 * the given or default vault), list, show, rename or rebind, run now, suspend, resume, delete (points kept).
 */
public final class PlansApi {
    private final ApiContext api;
    private final PlanBinding binding;
    private final PoliciesApi policies;

    public PlansApi(ApiContext api, PlanBinding binding, PlanScheduler scheduler) {
        this.api = api;
        this.binding = binding;
        this.policies = new PoliciesApi(api, scheduler);
    }

    record Bind(String policy, List<String> instances, String name, Boolean replace, String vault) {
        void validate(int limit) {
            if (policy == null || policy.isBlank()) {
                throw Requests.invalid("policy: the policy to bind to (id or name) is required");
            }
            if (instances == null || instances.isEmpty()) {
                throw Requests.invalid("instances: name at least one instance (UUID or name)");
            }
            if (instances.size() > limit) {
                throw Requests.invalid("instances: at most " + limit + " instances per request, got " + instances.size());
            }
            if (name != null && instances.size() > 1) {
                throw Requests.invalid("name: a plan name can be given only when binding one instance, got " + instances.size());
            }
            planName(name);
        }
    }

    record Edit(String name, String policy, Boolean replace) {
    }

    public void register(Routes routes) {
        routes.get(Routes.PREFIX + "/plans", Role.viewer, this::list)
                .post(Routes.PREFIX + "/plans", Role.operator, this::bind)
                .get(Routes.PREFIX + "/plans/{plan}", Role.viewer, this::show)
                .put(Routes.PREFIX + "/plans/{plan}", Role.operator, this::edit)
                .delete(Routes.PREFIX + "/plans/{plan}", Role.operator, this::delete)
                .post(Routes.PREFIX + "/plans/{plan}/run", Role.operator, this::run)
                .post(Routes.PREFIX + "/plans/{plan}/suspend", Role.operator, this::suspend)
                .post(Routes.PREFIX + "/plans/{plan}/resume", Role.operator, this::resume);
    }

    private void list(Context ctx) {
        Json.write(ctx, 200, Views.list("plans", api.catalog().plans().list().stream().map(this::view).toList()));
    }

    private void show(Context ctx) {
        Json.write(ctx, 200, view(plan(ctx.pathParam("plan"))));
    }

    private void bind(Context ctx) {
        Bind request = Json.body(ctx, Bind.class);
        request.validate(api.config().limits().instancesPerRequest());
        StoredPolicy policy = policies.policy(request.policy());
        String vault = api.vault(request.vault());
        List<Instance> instances = new ArrayList<>();
        for (String name : request.instances()) {
            instances.add(api.instance(name));
        }
        List<Map<String, Object>> views = new ArrayList<>();
        for (Instance instance : instances) {
            if (api.catalog().protections().find(instance.id()).isEmpty() && !instance.gone()) {
                api.catalog().protections().protect(List.of(new Protection(instance.id(), true, List.of(), vault, Instant.now())));
            }
            views.add(view(binding.bind(instance, policy, request.name(), Boolean.TRUE.equals(request.replace()))));
        }
        Json.write(ctx, 201, Views.list("plans", views));
    }

    private void edit(Context ctx) {
        Plan plan = plan(ctx.pathParam("plan"));
        Edit request = Json.body(ctx, Edit.class);
        planName(request.name());
        Instance instance = api.catalog().instances().find(plan.instanceId()).orElseThrow();
        if (request.policy() != null) {
            plan = binding.bind(instance, policies.policy(request.policy()), request.name(), true);
        } else if (request.name() != null) {
            plan = api.catalog().plans().rename(plan.id(), request.name()).orElseThrow();
        }
        Json.write(ctx, 200, view(plan));
    }

    private void delete(Context ctx) {
        Plan plan = plan(ctx.pathParam("plan"));
        binding.delete(plan);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("deleted", plan.id());
        result.put("name", plan.name());
        result.put("pointsKept", api.catalog().points().listByInstance(plan.instanceId()).size());
        Json.write(ctx, 200, result);
    }

    private void run(Context ctx) {
        Json.write(ctx, 202, Views.job(binding.runNow(plan(ctx.pathParam("plan")))));
    }

    private void suspend(Context ctx) {
        Json.write(ctx, 200, view(binding.suspend(plan(ctx.pathParam("plan")))));
    }

    private void resume(Context ctx) {
        Json.write(ctx, 200, view(binding.resume(plan(ctx.pathParam("plan")))));
    }

    private Plan plan(String idOrName) {
        return api.catalog().plans().resolve(idOrName).orElseThrow(() -> new CofferException(ErrorCode.ResourceNotFound,
                "no plan '" + idOrName + "' (by id or name); list them with GET /api/v1/plans"));
    }

    private static void planName(String name) {
        if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")) {
            throw Requests.invalid("name: 1 to 64 letters, digits, '.', '_', '+' or '-', got '" + name + "'");
        }
    }

    private Map<String, Object> view(Plan p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("name", p.name());
        m.put("instance", p.instanceId());
        api.catalog().instances().find(p.instanceId()).ifPresent(i -> m.put("instanceName", i.name()));
        m.put("policy", p.policyId());
        api.catalog().policies().find(p.policyId()).ifPresent(pol -> m.put("policyName", pol.name()));
        m.put("state", p.state().name());
        m.put("nextRun", p.state() == Plan.State.stopped ? null : p.nextRun());
        m.put("lastRunAt", p.lastRunAt());
        m.put("lastJob", p.lastJobId());
        if (p.lastOutcome() != null) {
            Map<String, Object> outcome = new LinkedHashMap<>();
            outcome.put("code", p.lastOutcome().code());
            outcome.put("message", p.lastOutcome().message());
            outcome.put("at", p.lastOutcome().at());
            try {
                outcome.put("remedy", ErrorCode.valueOf(p.lastOutcome().code()).remedy());
            } catch (IllegalArgumentException notAnError) {
                // Queued: nothing to remedy
            }
            m.put("lastOutcome", outcome);
        }
        m.put("createdAt", p.createdAt());
        return m;
    }
}
