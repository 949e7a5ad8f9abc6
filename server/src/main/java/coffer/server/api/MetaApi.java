package coffer.server.api;

import coffer.server.auth.Role;
import coffer.server.http.Json;
import coffer.server.http.Routes;
import coffer.server.metrics.ServerMetrics;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The OpenAPI document (at {@code /api/v1/openapi.json}, generated from the endpoints and records: {@link OpenApi})
 * and the Prometheus metrics (at {@code /metrics}).
 */
public final class MetaApi {
    private final ServerMetrics metrics;
    private final JsonNode openApi;

    public MetaApi(ServerMetrics metrics) {
        this.metrics = metrics;
        this.openApi = OpenApi.document();
    }

    public void register(Routes routes) {
        routes.get(Routes.PREFIX + "/openapi.json", Role.viewer, ctx -> Json.write(ctx, 200, openApi))
                .get("/metrics", Role.viewer, ctx -> ctx.contentType(ServerMetrics.CONTENT_TYPE).result(metrics.scrape()));
    }
}
