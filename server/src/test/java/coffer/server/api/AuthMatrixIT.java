package coffer.server.api;

import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import coffer.server.auth.Role;
import coffer.server.http.Route;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every endpoint against no token, a malformed header, an unknown token, a revoked token and each role: the
 * first four are 401 Unauthorized, a role below the route's is 403 Forbidden, and an allowed role gets past
 * authentication (whatever the endpoint then answers, never 401/403 and never a 500). HEAD on every GET
 * endpoint is authenticated like the GET.
 */
class AuthMatrixIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void everyEndpointChecksTheTokenAndItsRole(String database) throws Exception {
        try (TestDatabase db = TestServer.database(database, dir);
             TestServer server = TestServer.start(TestServer.config(dir, db.config()))) {
            Map<Role, String> tokens = new EnumMap<>(Role.class);
            for (Role role : Role.values()) {
                var created = server.admin("POST", "/api/v1/tokens", "{\"name\":\"t-" + role + "\",\"role\":\"" + role + "\"}");
                assertEquals(201, created.status(), created.text());
                tokens.put(role, created.body().path("secret").asText());
            }
            var revoked = server.admin("POST", "/api/v1/tokens", "{\"name\":\"gone\",\"role\":\"admin\"}");
            String revokedSecret = revoked.body().path("secret").asText();
            assertEquals(200, server.admin("DELETE", "/api/v1/tokens/" + revoked.body().path("token").path("id").asText(), null).status());

            List<Route> routes = server.server().routes();
            assertTrue(routes.size() >= 25, "routes: " + routes.size());
            List<String> failures = new ArrayList<>();
            for (Route route : routes) {
                String path = route.path().replaceAll("\\{[A-Za-z]+}", "no-such-id");
                String body = route.method().equals("POST") ? "{}" : null;
                expect(failures, route, "no token", server.call(route.method(), path, null, body), 401, "Unauthorized");
                expect(failures, route, "unknown token", server.call(route.method(), path, "cof_wrong", body), 401, "Unauthorized");
                expect(failures, route, "revoked token", server.call(route.method(), path, revokedSecret, body), 401, "Unauthorized");
                if (route.method().equals("GET")) {
                    // HEAD is GET without the body: the same authentication (a HEAD answer has no problem body)
                    headStatus(failures, route, path, "no token", server.call("HEAD", path, null, null), 401);
                    headStatus(failures, route, path, "unknown token", server.call("HEAD", path, "cof_wrong", null), 401);
                    headStatus(failures, route, path, "revoked token", server.call("HEAD", path, revokedSecret, null), 401);
                }
                for (Role role : Role.values()) {
                    if (route.path().endsWith("/tokens") && route.method().equals("POST") && role == Role.admin) {
                        continue; // would create a token named nothing: checked as a 400 in ApiValidationIT
                    }
                    var answer = server.call(route.method(), path, tokens.get(role), body);
                    if (role.allows(route.role())) {
                        if (answer.status() == 401 || answer.status() == 403 || answer.status() >= 500) {
                            failures.add(route.method() + " " + route.path() + " as " + role + ": " + answer.status() + " " + answer.text());
                        }
                    } else {
                        expect(failures, route, "role " + role, answer, 403, "Forbidden");
                    }
                }
            }
            assertTrue(failures.isEmpty(), String.join("\n", failures));
        }
    }

    private static void headStatus(List<String> failures, Route route, String path, String as, TestServer.Answer answer,
                                   int status) {
        if (answer.status() != status) {
            failures.add("HEAD " + route.path() + " with " + as + ": expected " + status + ", got " + answer.status());
        }
    }

    private static void expect(List<String> failures, Route route, String as, TestServer.Answer answer, int status, String code) {
        if (answer.status() != status || !code.equals(answer.code())
                || !answer.contentType().startsWith("application/problem+json")) {
            failures.add(route.method() + " " + route.path() + " with " + as + ": expected " + status + " " + code + ", got "
                    + answer.status() + " " + answer.contentType() + " " + answer.text());
        }
    }
}
