package coffer.server;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.DatabaseClock;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.catalog.Token;
import coffer.engine.job.Job;
import coffer.engine.job.JobLogEntry;
import coffer.engine.operation.BackupInstance;
import coffer.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server whose host clock is an hour ahead, on a PostgreSQL catalog: the times it writes into rows the servers share
 * (a job's creation, start and end and its log lines, a token's creation, last use and revocation) are the database's,
 * not its host's (docs/design/jobs.md, "Whose clock"; docs/reliability.md, session 21). Before, the catalog stamped
 * them on the host's clock: a job queued through this server was listed an hour after one queued at the same moment
 * through another, and its end could come before its creation. The reference is the database's clock as this test's
 * JVM (the machine's own clock) reads it; the server's clock is off by {@link #SKEW}, so a stamp within half of it of
 * the reference is the database's.
 */
class SkewedServerStampsOnPostgresTest {
    private static final Duration SKEW = Duration.ofHours(1);

    @TempDir Path dir;

    @Test
    void aServerWhoseClockIsAnHourAheadStampsRowsOnTheDatabasesClock() throws Exception {
        try (TestDatabase database = TestDatabase.postgres();
             Catalog reference = Catalog.open(database.config())) {
            DatabaseClock databaseNow = DatabaseClock.follow(reference, Clock.systemUTC());
            coffer.server.config.ServerConfig config = TestServer.config(dir.resolve("data"), database.config());
            try (CofferServer server = CofferServer.start(config, null, Clock.offset(Clock.systemUTC(), SKEW))) {
                Api api = new Api(server.url(), Files.readString(config.adminTokenFile()).strip());
                List<String> wrong = new ArrayList<>();

                // a verify job queued through the API and run by the server's runner
                String verify = api.call("POST", "/api/v1/verify", "{\"kind\": \"SAMPLED\"}").path("id").asText();
                Job verified = Await.value(() -> reference.jobs().find(verify).filter(j -> j.state().isFinal()),
                        Duration.ofMinutes(2), () -> "verify job " + verify + " to end");
                assertEquals("succeeded", verified.state().name(), verified.toString());
                stamps(wrong, databaseNow, "verify job", verified, reference.jobs().log(verify));

                // a job left queued (its host is an agent's), cancelled through the API: its end and its line
                server.catalog().hosts().ensure("edge", "qemu:///system#edge");
                server.catalog().hosts().serveByAgent("edge", "agent-of-edge", databaseNow.instant());
                Job queued = server.catalog().jobs().submit(BackupInstance.of("instance-on-edge"), "edge");
                api.call("POST", "/api/v1/jobs/" + queued.id() + "/cancel", null);
                Job cancelled = reference.jobs().find(queued.id()).orElseThrow();
                assertEquals("cancelled", cancelled.state().name(), cancelled.toString());
                stamps(wrong, databaseNow, "cancelled job", cancelled, reference.jobs().log(queued.id()));

                // a token: created, used, revoked through the API
                JsonNode created = api.call("POST", "/api/v1/tokens", "{\"name\": \"hosts21-viewer\", \"role\": \"viewer\"}");
                new Api(server.url(), created.path("secret").asText()).call("GET", "/api/v1/jobs", null);
                String id = reference.tokens().list().stream().filter(t -> t.name().equals("hosts21-viewer"))
                        .findFirst().orElseThrow().id();
                api.call("DELETE", "/api/v1/tokens/" + id, null);
                Token token = reference.tokens().list().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
                near(wrong, databaseNow, "token created_at", token.createdAt());
                near(wrong, databaseNow, "token last_used_at", token.lastUsedAt());
                near(wrong, databaseNow, "token revoked_at", token.revokedAt());

                assertTrue(wrong.isEmpty(), "stamps not on the database's clock (" + databaseNow.instant() + "):\n"
                        + String.join("\n", wrong));
            }
        }
    }

    /** Calls of the server's API with one token, answered 2xx. */
    private record Api(String url, String token) {
        JsonNode call(String method, String path, String body) throws Exception {
            java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + path))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                                    : java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(2, answer.statusCode() / 100, method + " " + path + ": " + answer.statusCode() + " " + answer.body());
            return answer.body().isEmpty() ? TestServer.JSON.createObjectNode() : TestServer.JSON.readTree(answer.body());
        }
    }

    /** The job's times and its log lines' times are the database's. */
    private static void stamps(List<String> wrong, DatabaseClock now, String what, Job job, List<JobLogEntry> log) {
        near(wrong, now, what + " created_at", job.createdAt());
        Optional.ofNullable(job.startedAt()).ifPresent(at -> near(wrong, now, what + " started_at", at));
        near(wrong, now, what + " finished_at", job.finishedAt());
        assertTrue(!log.isEmpty(), what + " has log lines");
        log.forEach(line -> near(wrong, now, what + " line '" + line.message() + "'", line.at()));
    }

    private static void near(List<String> wrong, DatabaseClock now, String what, Instant stamp) {
        if (stamp == null) {
            wrong.add(what + ": none");
        } else if (Duration.between(now.instant(), stamp).abs().compareTo(SKEW.dividedBy(2)) >= 0) {
            wrong.add(what + ": " + stamp);
        }
    }
}
