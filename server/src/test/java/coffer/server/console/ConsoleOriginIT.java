package coffer.server.console;

import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A change, a sign-in or a sign-out from a client that sends no {@code Sec-Fetch-Site} (an older browser, a proxy that
 * drops it) is checked by its {@code Origin}, else its {@code Referer}, against the console's own origin
 * (docs/console.md, "Another site"): another host, port or site is refused {@code 403 Forbidden} naming the header,
 * before the CSRF value is looked at and with nothing run; the console's own origin and a request with neither header
 * are taken on their CSRF value ({@code Origin: null} is refused since session 22: ConsoleOriginNullIT).
 * Without the check every refused request here was run (checked).
 */
class ConsoleOriginIT {
    @TempDir Path dir;
    @RegisterExtension final BrowserTests opened = new BrowserTests();

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void aRequestWithoutSecFetchSiteIsJudgedByItsOriginOrReferer() throws Exception {
        TestServer server = opened.server(TestServer.config(dir.resolve("data"), TestDatabase.sqlite(dir).config()));
        String own = server.url(); // http://127.0.0.1:PORT
        int port = URI.create(own).getPort();

        // sign-in: another origin's double submit is refused, the console's own signs in
        for (List<String> foreign : List.of(List.of("Origin", "http://evil-console21.example"),
                List.of("Origin", "http://localhost:" + port), List.of("Referer", "http://127.0.0.1:" + (port + 1) + "/login"))) {
            HttpResponse<String> forged = send(post(own + "/login", ConsoleSessions.LOGIN_COOKIE + "=forged-console21", foreign,
                    "_csrf", "forged-console21", "token", server.adminToken()));
            assertEquals(403, forged.statusCode(), foreign + ": " + forged.body());
            assertTrue(forged.body().contains("Forbidden"), forged.body());
            assertTrue(forged.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith(ConsoleSessions.COOKIE + "=")),
                    "no session for a sign-in with " + foreign);
        }
        HttpResponse<String> signedIn = send(post(own + "/login", ConsoleSessions.LOGIN_COOKIE + "=own-console21",
                List.of("Origin", own), "_csrf", "own-console21", "token", server.adminToken()));
        assertEquals(303, signedIn.statusCode(), signedIn.body());
        String cookie = signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(ConsoleSessions.COOKIE + "="))
                .findFirst().orElseThrow().split(";")[0];
        String csrf = send(HttpRequest.newBuilder(URI.create(own + "/tokens")).header("Cookie", cookie).GET().build()).body()
                .replaceAll("(?s).*name=\"_csrf\" value=\"([^\"]+)\".*", "$1");

        // a change with the right CSRF value from another origin: refused, naming the header, nothing made
        List<List<String>> refused = List.of(
                List.of("Origin", "http://evil-console21.example"),
                List.of("Origin", "http://localhost:" + port),
                List.of("Origin", "http://127.0.0.1:" + (port + 1)),
                List.of("Origin", "http://127.0.0.1.evil-console21.example:" + port),
                List.of("Referer", "http://evil-console21.example/page"),
                List.of("Referer", "not a url"));
        for (int i = 0; i < refused.size(); i++) {
            List<String> headers = refused.get(i);
            HttpResponse<String> change = send(post(own + "/tokens", cookie, headers, "_csrf", csrf, "name", "evil-console21-" + i,
                    "role", "admin"));
            assertEquals(403, change.statusCode(), headers + ": " + change.body());
            assertTrue(change.body().contains("Forbidden") && change.body().contains("another site"), change.body());
            String named = headers.get(headers.size() - 2);
            assertTrue(change.body().contains(named.equals("Origin") ? "Origin: " : "Referer from "), headers + ": " + change.body());
        }
        assertTrue(server.server().catalog().tokens().list().stream().noneMatch(t -> t.name().startsWith("evil-console21-")),
                "no token made from another origin");

        // the console's own origin, Origin: null, or neither header: the CSRF value decides
        List<List<String>> taken = List.of(
                List.of("Origin", own),
                List.of("Referer", own + "/tokens?cursor=x"),
                List.of());
        for (int i = 0; i < taken.size(); i++) {
            List<String> headers = taken.get(i);
            HttpResponse<String> change = send(post(own + "/tokens", cookie, headers, "_csrf", csrf, "name", "own-console21-" + i,
                    "role", "viewer"));
            assertEquals(200, change.statusCode(), headers + ": " + change.body());
            assertTrue(change.body().contains("own-console21-" + i), change.body());
        }
        HttpResponse<String> noCsrf = send(post(own + "/tokens", cookie, List.of("Origin", own), "name", "own-console21-x", "role", "viewer"));
        assertEquals(403, noCsrf.statusCode(), "the own origin still needs the CSRF value: " + noCsrf.body());

        // sign-out from another origin: refused, the session still open; from the own origin it ends
        HttpResponse<String> out = send(post(own + "/logout", cookie, List.of("Origin", "http://evil-console21.example"), "_csrf", csrf));
        assertEquals(403, out.statusCode(), out.body());
        assertTrue(out.body().contains("Origin: http://evil-console21.example"), out.body());
        assertEquals(200, send(HttpRequest.newBuilder(URI.create(own + "/tokens")).header("Cookie", cookie).GET().build()).statusCode());
        assertEquals(303, send(post(own + "/logout", cookie, List.of("Origin", own), "_csrf", csrf)).statusCode());
        assertEquals(303, send(HttpRequest.newBuilder(URI.create(own + "/tokens")).header("Cookie", cookie).GET().build()).statusCode(),
                "signed out");
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A form POST with no Sec-Fetch-Site, with these header names and values. */
    private static HttpRequest post(String url, String cookie, List<String> headers, String... fields) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < fields.length; i += 2) {
            body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(fields[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        for (int i = 0; i < headers.size(); i += 2) {
            request.header(headers.get(i), headers.get(i + 1));
        }
        return request.build();
    }
}
