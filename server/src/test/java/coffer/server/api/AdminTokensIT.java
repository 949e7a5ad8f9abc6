package coffer.server.api;

import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import coffer.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server always keeps an administrator: the last live admin token cannot be revoked (409 LastAdminToken),
 * and a start that finds no live admin token creates one and writes it to the admin token file (mode 0600),
 * as the first start does.
 */
class AdminTokensIT {
    @TempDir
    Path dir;

    @Test
    void theLastLiveAdminTokenCannotBeRevoked() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config(dir, TestDatabase.sqlite(dir).config()))) {
            var tokens = server.admin("GET", "/api/v1/tokens", null);
            assertEquals(1, tokens.body().path("tokens").size(), tokens.text());
            String first = tokens.body().path("tokens").get(0).path("id").asText();

            var refused = server.admin("DELETE", "/api/v1/tokens/" + first, null);
            assertEquals(409, refused.status(), refused.text());
            assertEquals("LastAdminToken", refused.code());
            assertTrue(refused.contentType().startsWith("application/problem+json"), refused.contentType());
            assertTrue(refused.body().path("detail").asText().contains("last live admin token"), refused.text());
            assertTrue(refused.body().path("remedy").asText().contains("POST /api/v1/tokens"), "an API remedy names the API (issue 14, fix 7): " + refused.text());
            assertEquals(200, server.admin("GET", "/api/v1/tokens", null).status(), "the token still works");

            var second = server.admin("POST", "/api/v1/tokens", "{\"name\":\"second\",\"role\":\"admin\"}");
            assertEquals(201, second.status(), second.text());
            String secondSecret = second.body().path("secret").asText();
            assertEquals(200, server.admin("DELETE", "/api/v1/tokens/" + first, null).status());
            var last = server.call("DELETE", "/api/v1/tokens/" + second.body().path("token").path("id").asText(),
                    secondSecret, null);
            assertEquals(409, last.status(), last.text());
            assertEquals("LastAdminToken", last.code());
        }
    }

    @Test
    void aStartWithNoLiveAdminTokenCreatesOneAndWritesIt() throws Exception {
        TestDatabase db = TestDatabase.sqlite(dir);
        ServerConfig config = TestServer.config(dir.resolve("data"), db.config());
        String firstSecret;
        try (TestServer server = TestServer.start(config)) {
            firstSecret = server.adminToken();
            assertNotNull(server.server().firstAdminSecret());
            assertEquals(201, server.admin("POST", "/api/v1/tokens", "{\"name\":\"ci\",\"role\":\"viewer\"}").status());
        }
        // a catalog whose every admin token is revoked (written before revoking the last one was refused)
        try (Connection c = DriverManager.getConnection(db.config().jdbcUrl()); Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE tokens SET revoked_at = 1 WHERE role = 'admin'"));
        }
        try (TestServer server = TestServer.start(config)) {
            String secret = server.server().firstAdminSecret();
            assertNotNull(secret, "this start created an admin token");
            assertNotEquals(firstSecret, secret);
            assertEquals(secret, Files.readString(config.adminTokenFile()).strip());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config.adminTokenFile())));
            assertEquals(200, server.call("GET", "/api/v1/tokens", secret, null).status());
            assertEquals(401, server.call("GET", "/api/v1/tokens", firstSecret, null).status());
        }
        try (TestServer server = TestServer.start(config)) {
            assertNull(server.server().firstAdminSecret(), "a live admin exists: nothing created");
        }
    }
}
