package coffer.server.api;

import coffer.engine.catalog.StoredPolicy;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.plan.PlanScheduler;
import coffer.engine.policy.Policy;
import coffer.engine.policy.PolicyJson;
import coffer.server.auth.Role;
import coffer.server.http.Json;
import coffer.server.http.Routes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

import java.util.Map;

/**
 * The policy center: create, list, show, edit (the whole document; the plans bound to it restart their
 * schedule from the edit) and delete when no plan uses it. The body is {@link PolicyJson}'s form; every
 * problem is reported at once with the seed's codes (PolicyHasPermanentRetention, NoDestinationRegion).
 */
public final class PoliciesApi {
    private final ApiContext api;
    private final PlanScheduler scheduler;

    public PoliciesApi(ApiContext api, PlanScheduler scheduler) {
        this.api = api;
        this.scheduler = scheduler;
    }

    public void register(Routes routes) {
        routes.get(Routes.PREFIX + "/policies", Role.viewer, this::list)
                .post(Routes.PREFIX + "/policies", Role.operator, this::create)
                .get(Routes.PREFIX + "/policies/{policy}", Role.viewer, this::show)
                .put(Routes.PREFIX + "/policies/{policy}", Role.operator, this::edit)
                .delete(Routes.PREFIX + "/policies/{policy}", Role.operator, this::delete);
    }

    private void list(Context ctx) {
        Json.write(ctx, 200, Views.list("policies", api.catalog().policies().list().stream().map(this::view).toList()));
    }

    private void create(Context ctx) {
        Json.write(ctx, 201, view(api.catalog().policies().create(read(ctx))));
    }

    private void show(Context ctx) {
        Json.write(ctx, 200, view(policy(ctx.pathParam("policy"))));
    }

    private void edit(Context ctx) {
        StoredPolicy current = policy(ctx.pathParam("policy"));
        Policy edited = read(ctx);
        StoredPolicy stored = api.catalog().policies().update(current.id(), edited,
                plan -> scheduler.nextRun(plan.id(), edited.schedule())).orElseThrow(() -> notFound(current.id()));
        Json.write(ctx, 200, view(stored));
    }

    private void delete(Context ctx) {
        StoredPolicy policy = policy(ctx.pathParam("policy"));
        api.catalog().policies().delete(policy.id());
        Json.write(ctx, 200, Map.of("deleted", policy.id(), "name", policy.name()));
    }

    private static Policy read(Context ctx) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(ctx.body().isBlank() ? "{}" : ctx.body());
        } catch (JsonProcessingException e) {
            throw new CofferException(ErrorCode.InvalidArgument, "the request body is not valid JSON: " + e.getOriginalMessage());
        }
        return PolicyJson.read(body);
    }

    StoredPolicy policy(String idOrName) {
        return api.catalog().policies().resolve(idOrName).orElseThrow(() -> notFound(idOrName));
    }

    private static CofferException notFound(String idOrName) {
        return new CofferException(ErrorCode.ResourceNotFound, "no policy '" + idOrName + "' (by id or name); list them with GET /api/v1/policies");
    }

    private Map<String, Object> view(StoredPolicy p) {
        ObjectNode json = PolicyJson.write(p.policy());
        ObjectNode view = Json.MAPPER.createObjectNode().put("id", p.id());
        view.setAll(json);
        view.put("scheduleStart", p.policy().schedule().start().toString());
        view.put("scheduleInterval", p.policy().schedule().interval().iso());
        view.put("plans", api.catalog().plans().listByPolicy(p.id()).size());
        view.put("createdAt", p.createdAt().toString());
        view.put("updatedAt", p.updatedAt().toString());
        return Json.MAPPER.convertValue(view, Map.class);
    }
}
