package coffer.server;

import coffer.engine.catalog.TestDatabase;
import coffer.engine.vault.VaultLocation;
import coffer.server.config.ServerConfig;
import coffer.testing.Await;
import coffer.testing.S3Server;
import coffer.testing.StallingProxy;
import coffer.vault.backend.s3.S3Location;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server whose replication region's S3 vault does not answer (docs/reliability.md, session 21): before, the start
 * failed with {@code StorageFailure}, so an outage of the east store stopped the west region's server too. Now the
 * server starts (its start waits {@link ServerVaults#START_PATIENCE} for a store that hangs), {@code GET /api/v1/vaults}
 * names the vault {@code unavailable} with the error code and the store's address (never the secret), everything that
 * needs only the other vault works, a job that needs it fails with {@code StorageFailure} naming it, and once its store
 * answers the vault is created (it never was) and used without a restart. The store is the S3 test server behind a
 * {@link StallingProxy}: hung at the start, then refusing connections, then answering. Bucket: the branch's name.
 */
class UnavailableS3VaultAtStartIT {
    private static final Duration LIMIT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    void aServerStartsWithAnUnavailableS3VaultSaysSoAndUsesItOnceItAnswers() throws Exception {
        S3Server s3 = S3Server.shared();
        String bucket = "coffer-s3ops21-" + ProcessHandle.current().pid();
        try (StallingProxy proxy = StallingProxy.to(s3.endpoint());
             TestDatabase database = TestDatabase.sqlite(dir)) {
            proxy.stall(); // the east store hangs: connections open, nothing answers
            VaultLocation east = new VaultLocation.Bucket(new S3Location(bucket, "east"),
                    s3.settings().withEndpoint(proxy.endpoint(), true));
            Path data = dir.resolve("data");
            ServerConfig config = new ServerConfig(data, "127.0.0.1", 0, null, database.config(), List.of(
                    new ServerConfig.VaultEntry("default", data.resolve("vault"), data.resolve("keyring"), true),
                    new ServerConfig.VaultEntry("east-vault", east, data.resolve("keyring"), true, "east")),
                    List.of(new ServerConfig.HostEntry("local", "qemu:///system")), ServerConfig.Limits.DEFAULT);
            try (TestServer server = TestServer.start(config)) {
                JsonNode row = vault(server, "east-vault");
                assertEquals("unavailable", row.path("state").asText(), row.toString());
                String problem = row.path("problem").asText();
                assertTrue(problem.startsWith("StorageFailure: ") && problem.contains(proxy.endpoint().toString())
                        && problem.contains("s3://" + bucket + "/east"), problem);
                assertFalse(problem.contains(S3Server.SECRET_ACCESS_KEY) || problem.contains(S3Server.ACCESS_KEY_ID), problem);
                assertFalse(row.path("checkedAt").isNull(), row.toString());

                // the other region's vault serves as before
                JsonNode local = job(server, "default");
                assertEquals("succeeded", local.path("state").asText(), local.toString());

                // a job that needs the vault fails naming it (the store now refuses: the job fails at once)
                proxy.refuse();
                JsonNode failed = job(server, "east-vault");
                assertEquals("failed", failed.path("state").asText(), failed.toString());
                assertEquals("StorageFailure", failed.path("error").path("code").asText(), failed.toString());
                String message = failed.path("error").path("message").asText();
                assertTrue(message.contains("vault 'east-vault' of region east is unavailable") && message.contains(
                        proxy.endpoint().toString()), message);
                assertFalse(message.contains(S3Server.SECRET_ACCESS_KEY), message);
                String metrics = server.admin("GET", "/metrics", null).text();
                assertTrue(metrics.contains("coffer_vault_available{vault=\"east-vault\"} 0.0"), metrics);

                // the store answers again: the vault is created and used, no restart
                proxy.resume();
                JsonNode verified = job(server, "east-vault");
                assertEquals("succeeded", verified.path("state").asText(), verified.toString());
                JsonNode again = vault(server, "east-vault");
                assertEquals("available", again.path("state").asText(), again.toString());
                assertTrue(again.path("problem").isNull(), again.toString());
            }
        }
    }

    /** The vault's row of {@code GET /api/v1/vaults}. */
    static JsonNode vault(TestServer server, String name) throws Exception {
        TestServer.Answer answer = server.admin("GET", "/api/v1/vaults", null);
        assertEquals(200, answer.status(), answer.text());
        for (JsonNode row : answer.body().path("vaults")) {
            if (row.path("name").asText().equals(name)) {
                return row;
            }
        }
        throw new AssertionError("no vault " + name + ": " + answer.text());
    }

    /** A full verify of the vault (it needs the vault and nothing else), awaited to its end; the ended job. */
    static JsonNode job(TestServer server, String vault) throws Exception {
        // the server's own verify schedule may hold the vault's verify for a moment (409 VerifyRunning)
        String id = Await.value(() -> {
            TestServer.Answer answer = server.admin("POST", "/api/v1/vaults/" + vault + "/verify", "{\"kind\": \"FULL\"}");
            if (answer.status() == 409) {
                return Optional.empty();
            }
            assertEquals(202, answer.status(), answer.text());
            return Optional.of(answer.body().path("id").asText());
        }, LIMIT, "a verify of " + vault + " accepted");
        return Await.value(() -> {
            JsonNode job = server.admin("GET", "/api/v1/jobs/" + id, null).body();
            String state = job.path("state").asText();
            return state.equals("succeeded") || state.equals("failed") || state.equals("cancelled")
                    ? Optional.of(job) : Optional.empty();
        }, LIMIT, "the verify job " + id + " of " + vault + " ended");
    }
}
