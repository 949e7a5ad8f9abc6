package coffer.server;

import coffer.engine.catalog.CatalogConfig;
import coffer.server.config.ServerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Coffer server for tests: its own data directory, the catalog given (SQLite file or a fresh
 * PostgreSQL schema), an encrypted vault, the local libvirt host, an ephemeral loopback port.
 */
public final class TestServer implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();

    public record Answer(int status, String contentType, JsonNode body, String text) {
        public String code() {
            return body == null ? null : body.path("code").asText(null);
        }
    }

    private final CofferServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String adminToken;

    private TestServer(CofferServer server, String adminToken) {
        this.server = server;
        this.adminToken = adminToken;
    }

    /** A fresh catalog database: {@code sqlite} or {@code postgresql}. */
    public static coffer.engine.catalog.TestDatabase database(String kind, Path dir) throws java.sql.SQLException {
        return switch (kind) {
            case "sqlite" -> coffer.engine.catalog.TestDatabase.sqlite(dir);
            case "postgresql" -> coffer.engine.catalog.TestDatabase.postgres();
            default -> throw new IllegalArgumentException(kind);
        };
    }

    public static ServerConfig config(Path dataDir, CatalogConfig catalog) {
        return new ServerConfig(dataDir, "127.0.0.1", 0, null, catalog,
                List.of(new ServerConfig.VaultEntry("default", dataDir.resolve("vault"), dataDir.resolve("keyring"), true)),
                List.of(new ServerConfig.HostEntry("local", "qemu:///system")), ServerConfig.Limits.DEFAULT);
    }

    public static TestServer start(ServerConfig config) throws IOException {
        return start(config, null); // the clocks a server has in production: the catalog database's
    }

    /** A server whose scheduler and retention run on {@code clock} (null: the catalog database's, as in production). */
    public static TestServer start(ServerConfig config, java.time.Clock clock) throws IOException {
        CofferServer server = CofferServer.start(config, clock);
        String token = Files.readString(config.adminTokenFile()).strip();
        return new TestServer(server, token);
    }

    public CofferServer server() {
        return server;
    }

    public String url() {
        return server.url();
    }

    public String adminToken() {
        return adminToken;
    }

    public Answer call(String method, String path, String token, String body) throws IOException, InterruptedException {
        return call(method, path, token, body, body == null ? null : "application/json");
    }

    /** A request with this body sent as {@code contentType} (none when null). */
    public Answer call(String method, String path, String token, String body, String contentType)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String type = response.headers().firstValue("Content-Type").orElse("");
        JsonNode json = type.contains("json") && !response.body().isEmpty() ? JSON.readTree(response.body()) : null;
        return new Answer(response.statusCode(), type, json, response.body());
    }

    public Answer admin(String method, String path, String body) throws IOException, InterruptedException {
        return call(method, path, adminToken, body);
    }

    private volatile String agentToken;

    /** A token that may call an endpoint of {@code role}: the admin's, or for the agent endpoints an agent's (made once). */
    public String tokenFor(coffer.server.auth.Role role) {
        if (role != coffer.server.auth.Role.agent) {
            return adminToken;
        }
        synchronized (this) {
            if (agentToken == null) {
                agentToken = server.catalog().tokens().create("test-agent", "agent").secret();
            }
            return agentToken;
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
