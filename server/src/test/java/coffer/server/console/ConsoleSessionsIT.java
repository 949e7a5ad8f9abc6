package coffer.server.console;

import coffer.engine.catalog.TestDatabase;
import coffer.server.config.ServerConfig;
import coffer.server.TestServer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Console sessions live in the catalog: a session opened on one server still works after that server stops and
 * another starts on the same catalog (its CSRF token too), ends when signed out or when its token is revoked; and
 * repeated failed sign-ins from one client are refused with SignInThrottled. On SQLite and PostgreSQL.
 */
class ConsoleSessionsIT {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aSessionSurvivesARestartOnTheSameCatalogAndEndsWithItsToken(String kind) throws Exception {
        try (TestDatabase database = TestServer.database(kind, dir)) {
            ServerConfig config = TestServer.config(dir, database.config());
            String cookie;
            String csrf;
            String revokedCookie;
            String tokenId;
            try (TestServer first = TestServer.start(config)) {
                var op = first.server().catalog().tokens().create("op", "operator");
                ConsoleClient client = new ConsoleClient(first.url());
                ConsoleClient.Page in = client.signIn(op.secret());
                assertEquals(303, in.status(), in.body());
                cookie = ConsoleClient.cookieValue(in, ConsoleSessions.COOKIE);
                csrf = client.get("/instances").csrf();
                var viewer = first.server().catalog().tokens().create("eve", "viewer");
                ConsoleClient other = new ConsoleClient(first.url());
                ConsoleClient.Page otherIn = other.signIn(viewer.secret());
                revokedCookie = ConsoleClient.cookieValue(otherIn, ConsoleSessions.COOKIE);
                tokenId = viewer.token().id();
            }
            try (TestServer second = TestServer.start(config)) {
                ConsoleClient client = new ConsoleClient(second.url()).withCookie(ConsoleSessions.COOKIE, cookie);
                ConsoleClient.Page page = client.get("/instances");
                assertEquals(200, page.status(), "the cookie of the first server's session still works: " + page.location());
                assertTrue(page.body().contains("op (operator)"), page.body());
                assertEquals(csrf, page.csrf(), "the session's CSRF token is the one it was opened with");

                ConsoleClient other = new ConsoleClient(second.url()).withCookie(ConsoleSessions.COOKIE, revokedCookie);
                assertEquals(200, other.get("/instances").status());
                assertTrue(second.server().catalog().tokens().revoke(tokenId));
                ConsoleClient.Page revoked = other.get("/instances");
                assertEquals(303, revoked.status(), "a revoked token's session has ended");
                assertEquals("/login", revoked.location());

                assertEquals(303, client.post("/logout", "_csrf", page.csrf()).status());
                assertEquals(303, new ConsoleClient(second.url()).withCookie(ConsoleSessions.COOKIE, cookie)
                        .get("/instances").status(), "signed out: the row is gone, on every server");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite"})
    void repeatedFailedSignInsFromOneClientAreRefusedWithTheirCode(String kind) throws Exception {
        try (TestDatabase database = TestServer.database(kind, dir);
             TestServer server = TestServer.start(TestServer.config(dir, database.config()))) {
            ConsoleClient client = new ConsoleClient(server.url());
            for (int i = 0; i < SignInThrottle.MAX_FAILURES; i++) {
                ConsoleClient.Page wrong = client.signIn("cof_wrong" + i);
                assertEquals(401, wrong.status(), wrong.body());
                assertTrue(wrong.body().contains("Unauthorized"), wrong.body());
            }
            ConsoleClient.Page refused = client.signIn(server.adminToken());
            assertEquals(429, refused.status(), "even the right token, while the client is refused: " + refused.body());
            assertTrue(refused.body().contains("SignInThrottled") && refused.body().contains("5 failed sign-ins from")
                    && refused.body().contains("more second(s)"), refused.body());
            assertTrue(Long.parseLong(refused.retryAfter()) > 0, "Retry-After: " + refused.retryAfter());
            assertEquals(303, client.get("/instances").status(), "no session was opened");
        }
    }
}
