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
 * An open S3 vault whose store stops answering while a job uses it (docs/design/s3.md, "Cancel and stalls", session
 * 24): the S3 test server behind a {@link StallingProxy} that stalls (holds every byte and every connection, as a
 * store stopped with SIGSTOP). Before, the vault stayed "available" until the server's next look (up to a minute; and
 * that look was skipped while the store had answered a job within the minute), and a new job on it waited the stall
 * limit of every attempt. Now the request in flight that gets no byte for 10 s makes the vault unavailable at once
 * (API, metrics), a new job fails within seconds with {@code StorageFailure}, and the vault is available again as soon
 * as its store answers: by itself when the held request is answered, or at the next job. Bucket: the branch's name.
 */
class S3VaultStopsAnsweringWhileOpenIT {
    /** The silence bound (10 s) and this loaded machine's slack, far below the minute of the periodic look. */
    private static final Duration KNOWN_WITHIN = Duration.ofSeconds(30);
    private static final Duration LIMIT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    void aStoreThatStopsAnsweringMakesItsOpenVaultUnavailableAtOnceNewJobsFailFastAndItRecoversByItself()
            throws Exception {
        S3Server s3 = S3Server.shared();
        String bucket = "coffer-s3hang24-" + ProcessHandle.current().pid();
        try (StallingProxy proxy = StallingProxy.to(s3.endpoint());
             TestDatabase database = TestDatabase.sqlite(dir)) {
            Path data = dir.resolve("data");
            ServerConfig config = new ServerConfig(data, "127.0.0.1", 0, null, database.config(), List.of(
                    new ServerConfig.VaultEntry("default", data.resolve("vault"), data.resolve("keyring"), true),
                    new ServerConfig.VaultEntry("east", new VaultLocation.Bucket(new S3Location(bucket, "east"),
                            s3.settings().withEndpoint(proxy.endpoint(), true)), data.resolve("keyring"), true, "east")),
                    List.of(new ServerConfig.HostEntry("local", "qemu:///system")), ServerConfig.Limits.DEFAULT);
            try (TestServer server = TestServer.start(config)) {
                JsonNode first = UnavailableS3VaultAtStartIT.job(server, "east");
                assertEquals("succeeded", first.path("state").asText(), first.toString());
                assertEquals("available", vault(server, "east").path("state").asText());

                // the store stops answering while a verify uses the open vault
                proxy.stall();
                long stalled = System.nanoTime();
                String held = start(server, "east");
                Await.until(() -> proxy.waiting() > 0, LIMIT, "the verify's request waits on the stalled store");
                JsonNode row = Await.value(() -> {
                    JsonNode r = vault(server, "east");
                    return r.path("state").asText().equals("unavailable") ? Optional.of(r) : Optional.empty();
                }, KNOWN_WITHIN, "vault east reported unavailable within " + KNOWN_WITHIN + " of its store stalling");
                System.out.printf("S3VaultStopsAnsweringWhileOpenIT: the hung store was known %.2f s after it stalled%n",
                        (System.nanoTime() - stalled) / 1e9);
                String problem = row.path("problem").asText();
                assertTrue(problem.startsWith("StorageFailure: vault 'east' of region east is unavailable")
                        && problem.contains(proxy.endpoint().toString()) && problem.contains("s3://" + bucket + "/east")
                        && problem.contains("no byte") && problem.contains("check that the store is running"), problem);
                assertFalse(problem.contains(S3Server.SECRET_ACCESS_KEY) || problem.contains(S3Server.ACCESS_KEY_ID),
                        problem);
                String metrics = server.admin("GET", "/metrics", null).text();
                assertTrue(metrics.contains("coffer_vault_available{vault=\"east\"} 0.0"), metrics);
                assertEquals("running", job(server, held).path("state").asText(), "the held verify still waits");

                // the held verify is cancelled; a new one fails fast, naming the vault and what to do
                assertEquals(202, server.admin("POST", "/api/v1/jobs/" + held + "/cancel", null).status());
                JsonNode cancelled = ended(server, held);
                assertEquals("cancelled", cancelled.path("state").asText(), cancelled.toString());
                long asked = System.nanoTime();
                JsonNode failed = UnavailableS3VaultAtStartIT.job(server, "east");
                double failedSeconds = (System.nanoTime() - asked) / 1e9;
                System.out.printf("S3VaultStopsAnsweringWhileOpenIT: a verify of the hung vault failed %.2f s after it"
                        + " was asked%n", failedSeconds);
                assertEquals("failed", failed.path("state").asText(), failed.toString());
                assertEquals("StorageFailure", failed.path("error").path("code").asText(), failed.toString());
                String message = failed.path("error").path("message").asText();
                assertTrue(message.contains("vault 'east' of region east is unavailable")
                        && message.contains("check that the store is running"), message);
                assertTrue(failedSeconds < 20, "failed within seconds (the 3 s probe), not the stall limit (2 minutes)"
                        + " per attempt: " + failedSeconds + " s");

                // the store answers again: the next verify uses it
                proxy.resume();
                JsonNode verified = UnavailableS3VaultAtStartIT.job(server, "east");
                assertEquals("succeeded", verified.path("state").asText(), verified.toString());
                assertEquals("available", vault(server, "east").path("state").asText());

                // stalled again while a verify waits on it, then answering: the answers to the requests held across
                // the stall make the vault available again (no new job, no periodic look), and the verify ends well
                proxy.stall();
                String waiting = start(server, "east");
                Await.until(() -> vault(server, "east").path("state").asText().equals("unavailable"), KNOWN_WITHIN,
                        "vault east reported unavailable again");
                proxy.resume();
                Await.until(() -> vault(server, "east").path("state").asText().equals("available"), KNOWN_WITHIN,
                        "vault east available again once its store answered the held request");
                JsonNode resumed = ended(server, waiting);
                assertEquals("succeeded", resumed.path("state").asText(), resumed.toString());
                assertTrue(server.admin("GET", "/metrics", null).text()
                        .contains("coffer_vault_available{vault=\"east\"} 1.0"));
            }
            assertEquals(0, proxy.waiting(), "nothing waits on the proxy once the server is closed");
        }
    }

    private static JsonNode vault(TestServer server, String name) throws Exception {
        return UnavailableS3VaultAtStartIT.vault(server, name);
    }

    /** Starts a full verify of {@code vault}; its job id. */
    private static String start(TestServer server, String vault) throws Exception {
        return Await.value(() -> {
            TestServer.Answer answer = server.admin("POST", "/api/v1/vaults/" + vault + "/verify", "{\"kind\": \"FULL\"}");
            if (answer.status() == 409) {
                return Optional.empty(); // the server's own verify schedule may hold the vault's verify for a moment
            }
            assertEquals(202, answer.status(), answer.text());
            return Optional.of(answer.body().path("id").asText());
        }, LIMIT, "a verify of " + vault + " accepted");
    }

    private static JsonNode job(TestServer server, String id) throws Exception {
        return server.admin("GET", "/api/v1/jobs/" + id, null).body();
    }

    private static JsonNode ended(TestServer server, String id) throws Exception {
        return Await.value(() -> {
            JsonNode job = job(server, id);
            String state = job.path("state").asText();
            return state.equals("succeeded") || state.equals("failed") || state.equals("cancelled")
                    ? Optional.of(job) : Optional.empty();
        }, LIMIT, "job " + id + " ended");
    }
}
