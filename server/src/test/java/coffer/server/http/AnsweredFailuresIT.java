package coffer.server.http;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import coffer.server.auth.BearerAuthentication;
import coffer.server.auth.Role;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every failure of the server's handlers is answered by the handler itself as a problem ({@link AnsweredFailures}),
 * not by Javalin's exception handling, which, failing in turn, re-ran itself without end (docs/reliability.md, session
 * 21; scripts/check-launcher makes it fail so, with a server whose jar is rewritten under it). Here: a handler's
 * {@link Error} is a problem+json 500 {@code Internal} naming it (Javalin answered it in plain text), the token check's
 * failure is the answer and the route's handler does not run, and an ordinary failure is its code's problem.
 */
class AnsweredFailuresIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyFailureIsAProblemAnsweredByItsHandler() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        TestDatabase database = TestDatabase.sqlite(dir);
        try (Catalog catalog = Catalog.open(database.config(), Clock.systemUTC())) {
            String token = catalog.tokens().create("tidy21-viewer", "viewer").secret();
            Routes routes = new Routes()
                    .get("/api/v1/fails-with-an-error", Role.viewer, ctx -> {
                        ran.incrementAndGet();
                        throw new NoClassDefFoundError("coffer/Missing");
                    })
                    .get("/api/v1/fails-with-a-bad-argument", Role.viewer, ctx -> {
                        throw new coffer.engine.error.CofferException(coffer.engine.error.ErrorCode.InvalidArgument,
                                "unknown query parameter 'x'");
                    });
            try (ApiServer server = ApiServer.start(TestServer.config(dir, database.config()),
                    routes.list(), new BearerAuthentication(catalog.tokens()));
                 HttpClient http = HttpClient.newHttpClient()) {
                URI base = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/");

                HttpResponse<String> error = get(http, base.resolve("fails-with-an-error"), token);
                assertProblem(error, 500, "Internal");
                assertTrue(problem(error).path("detail").asText().contains("coffer/Missing"), error.body());
                assertEquals(1, ran.get());

                HttpResponse<String> refused = get(http, base.resolve("fails-with-an-error"), "cof_not-a-token");
                assertProblem(refused, 401, "Unauthorized");
                assertEquals(1, ran.get(), "the handler ran after its token was refused");

                assertProblem(get(http, base.resolve("fails-with-a-bad-argument?x=1"), token), 400, "InvalidArgument");
            }
        }
    }

    private static HttpResponse<String> get(HttpClient http, URI uri, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                response.headers().toString());
        assertEquals(code, problem(response).path("code").asText(), response.body());
    }

    private static JsonNode problem(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }
}
