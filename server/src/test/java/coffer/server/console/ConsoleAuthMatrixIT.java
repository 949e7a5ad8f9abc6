package coffer.server.console;

import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import coffer.server.http.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every console route, whatever the page shows: a page without a session goes to the sign-in form; a change without
 * a session is 401 Unauthorized, without the session's CSRF token 403, and with a role below its operation's (from
 * the API's endpoint table) 403 Forbidden, before anything runs.
 */
class ConsoleAuthMatrixIT {
    /** The changes whose operations need admin (DeletePoint, CreateToken, RevokeToken, VerifyVault); every other needs operator. */
    static final Set<String> ADMIN = Set.of("/points/{point}/delete", "/tokens", "/tokens/{token}/revoke", "/verify");
    /** Routes open to anyone: the sign-in form, signing in and out, static files, the redirect at /. */
    static final Set<String> OPEN = Set.of("/", "/login", "/logout", "/static/console.css", "/static/htmx.min.js");

    @TempDir Path dir;

    @Test
    void everyConsoleRouteChecksTheSessionTheCsrfTokenAndTheRole() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config(dir, TestDatabase.sqlite(dir).config()))) {
            var tokens = server.server().catalog().tokens();
            ConsoleClient viewer = new ConsoleClient(server.url());
            viewer.signIn(tokens.create("v", "viewer").secret());
            ConsoleClient operator = new ConsoleClient(server.url());
            operator.signIn(tokens.create("o", "operator").secret());
            String viewerCsrf = viewer.get("/instances").csrf();
            String operatorCsrf = operator.get("/instances").csrf();
            ConsoleClient anonymous = new ConsoleClient(server.url());

            List<Route> routes = server.server().consoleRoutes();
            assertTrue(routes.size() > 30, "console routes: " + routes.size());
            List<String> failures = new ArrayList<>();
            for (Route route : routes) {
                if (OPEN.contains(route.path())) {
                    continue;
                }
                String path = route.path().replaceAll("\\{[A-Za-z]+}", "no-such-id");
                if (route.method().equals("GET")) {
                    expect(failures, route, "no session", anonymous.get(path), 303, "");
                    continue;
                }
                expect(failures, route, "no session", anonymous.post(path, "_csrf", "x"), 401, "Unauthorized");
                expect(failures, route, "no CSRF token", operator.post(path), 403, "CSRF");
                expect(failures, route, "a forged CSRF token", operator.post(path, "_csrf", viewerCsrf), 403, "CSRF");
                expect(failures, route, "viewer", viewer.post(path, "_csrf", viewerCsrf), 403,
                        ADMIN.contains(route.path()) ? "requires admin" : "requires operator");
                if (ADMIN.contains(route.path())) {
                    expect(failures, route, "operator", operator.post(path, "_csrf", operatorCsrf), 403, "requires admin");
                }
            }
            assertTrue(failures.isEmpty(), String.join("\n", failures));
        }
    }

    private static void expect(List<String> failures, Route route, String as, ConsoleClient.Page page, int status, String text) {
        if (page.status() != status || !page.body().contains(text)) {
            failures.add(route.method() + " " + route.path() + " with " + as + ": expected " + status + " '" + text + "', got "
                    + page.status() + " " + page.body().replaceAll("(?s).*<main id=\"main\">", "").strip());
        }
    }
}
