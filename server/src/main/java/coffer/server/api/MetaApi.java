package coffer.server.api;

import coffer.server.auth.Role;
import coffer.server.http.Json;
import coffer.server.http.Routes;
import coffer.server.metrics.ServerMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The OpenAPI document (at {@code /api/v1/openapi.json}) and the Prometheus metrics (at {@code /metrics}). */
public final class MetaApi {
    /** The OpenAPI document, kept as YAML in the sources and served as JSON. */
    public static final String OPENAPI_RESOURCE = "/coffer/server/openapi.yaml";

    private final ServerMetrics metrics;
    private final JsonNode openApi;

    public MetaApi(ServerMetrics metrics) {
        this.metrics = metrics;
        this.openApi = openApiDocument();
    }

    public static JsonNode openApiDocument() {
        try (InputStream in = MetaApi.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
            }
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void register(Routes routes) {
        routes.get(Routes.PREFIX + "/openapi.json", Role.viewer, ctx -> Json.write(ctx, 200, openApi))
                .get("/metrics", Role.viewer, ctx -> ctx.contentType(ServerMetrics.CONTENT_TYPE).result(metrics.scrape()));
    }
}
