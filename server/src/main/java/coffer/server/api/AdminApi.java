package coffer.server.api;

import coffer.engine.catalog.Tokens;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.server.auth.Role;
import coffer.server.http.Json;
import coffer.server.http.Routes;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Tokens (create, list, revoke), the vaults, and the catalog rebuild from the vaults' manifests. */
public final class AdminApi {
    private final ApiContext api;
    private final Supplier<Map<String, Object>> rebuild;

    public AdminApi(ApiContext api, Supplier<Map<String, Object>> rebuild) {
        this.api = api;
        this.rebuild = rebuild;
    }

    public void register(Routes routes) {
        routes.get(Routes.PREFIX + "/tokens", Role.admin, this::tokens)
                .post(Routes.PREFIX + "/tokens", Role.admin, this::createToken)
                .delete(Routes.PREFIX + "/tokens/{token}", Role.admin, this::revoke)
                .get(Routes.PREFIX + "/vaults", Role.viewer, this::vaults)
                .post(Routes.PREFIX + "/catalog/rebuild", Role.admin, ctx -> Json.write(ctx, 200, rebuild.get()));
    }

    private void tokens(Context ctx) {
        Json.write(ctx, 200, Views.list("tokens", api.catalog().tokens().list()));
    }

    private void createToken(Context ctx) {
        Requests.CreateToken request = Json.body(ctx, Requests.CreateToken.class);
        request.validate();
        Role role = Role.parse(request.role());
        Tokens.Created created = api.catalog().tokens().create(request.name(), role.name());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", created.token());
        body.put("secret", created.secret());
        Json.write(ctx, 201, body);
    }

    private void revoke(Context ctx) {
        String id = ctx.pathParam("token");
        if (!api.catalog().tokens().revoke(id)) {
            throw new CofferException(ErrorCode.ResourceNotFound, "no live token with id '" + id + "'");
        }
        Json.write(ctx, 200, Map.of("revoked", id));
    }

    private void vaults(Context ctx) {
        var vaults = api.config().vaults().stream().map(v -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", v.name());
            m.put("path", v.location().toString()); // a directory or s3://bucket/prefix, never a credential
            m.put("encrypted", v.encrypted());
            m.put("default", v.name().equals(api.vaults().defaultName()));
            return m;
        }).toList();
        Json.write(ctx, 200, Views.list("vaults", vaults));
    }
}
