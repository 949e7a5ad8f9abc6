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
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Origin: null} on a change, a sign-in or a sign-out is refused {@code 403 Forbidden} as another site's origin
 * is (docs/console.md, "Another site"), and the console's own forms never send it: in Chromium with its
 * {@code Sec-Fetch-*} headers dropped (an older browser's requests, made through {@link HeaderStrippingProxy}) the
 * sign-in and a token form post with the console's own origin and are taken. Under the earlier
 * {@code Referrer-Policy: no-referrer} Chromium sent {@code Origin: null} for those same forms, which is why the policy is
 * {@code same-origin} now (checked: with {@code no-referrer} the browser part fails, its posts refused); without the
 * refusal the {@code Origin: null} change here is run (checked).
 */
class ConsoleOriginNullIT {
    @TempDir Path dir;
    @RegisterExtension final BrowserTests opened = new BrowserTests();

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void originNullIsRefusedOnEveryChange() throws Exception {
        TestServer server = opened.server(TestServer.config(dir.resolve("data"), TestDatabase.sqlite(dir).config()));
        String own = server.url();

        HttpResponse<String> signIn = send(post(own + "/login", ConsoleSessions.LOGIN_COOKIE + "=console22-null",
                "_csrf", "console22-null", "token", server.adminToken()));
        assertEquals(403, signIn.statusCode(), signIn.body());
        assertTrue(signIn.body().contains("Forbidden") && signIn.body().contains("from another site"), signIn.body());
        assertTrue(signIn.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith(ConsoleSessions.COOKIE + "=")));

        HttpResponse<String> signedIn = send(HttpRequest.newBuilder(URI.create(own + "/login"))
                .header("Cookie", ConsoleSessions.LOGIN_COOKIE + "=console22-own").header("Origin", own)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=console22-own&token=" + server.adminToken())).build());
        assertEquals(303, signedIn.statusCode(), signedIn.body());
        String cookie = signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(ConsoleSessions.COOKIE + "="))
                .findFirst().orElseThrow().split(";")[0];
        HttpResponse<String> tokens = send(HttpRequest.newBuilder(URI.create(own + "/tokens")).header("Cookie", cookie).GET().build());
        assertEquals("same-origin", tokens.headers().firstValue("Referrer-Policy").orElse(null));
        String csrf = tokens.body().replaceAll("(?s).*name=\"_csrf\" value=\"([^\"]+)\".*", "$1");

        HttpResponse<String> change = send(post(own + "/tokens", cookie, "_csrf", csrf, "name", "console22-null", "role", "admin"));
        assertEquals(403, change.statusCode(), change.body());
        assertTrue(change.body().contains("Forbidden") && change.body().contains("another site (Origin: null;"), change.body());
        assertTrue(server.server().catalog().tokens().list().stream().noneMatch(t -> t.name().equals("console22-null")),
                "no token made with Origin: null");

        HttpResponse<String> out = send(post(own + "/logout", cookie, "_csrf", csrf));
        assertEquals(403, out.statusCode(), out.body());
        assertEquals(200, send(HttpRequest.newBuilder(URI.create(own + "/tokens")).header("Cookie", cookie).GET().build()).statusCode(),
                "the session is kept");
    }

    @Test
    void theConsolesOwnFormsSendTheirOrigin() throws Exception {
        TestServer server = opened.server(TestServer.config(dir.resolve("data"), TestDatabase.sqlite(dir).config()));
        HeaderStrippingProxy proxy = opened.made(new HeaderStrippingProxy(URI.create(server.url()).getPort()));
        Browser browser = opened.browser(proxy.url());

        browser.signIn(server.adminToken());
        browser.go("/tokens");
        browser.find("#t-name").sendKeys("console22-own-form");
        browser.find("#token-form button[type=submit]").click();
        browser.await(Duration.ofSeconds(20), d -> d.getPageSource().contains("console22-own-form"));
        assertFalse(browser.has("#problem"), browser.driver.getPageSource());
        assertTrue(server.server().catalog().tokens().list().stream().anyMatch(t -> t.name().equals("console22-own-form")));

        List<HeaderStrippingProxy.Seen> posts = proxy.seen().stream().filter(s -> s.line().startsWith("POST ")).toList();
        assertEquals(2, posts.size(), "the sign-in and the token form: " + proxy.seen());
        for (HeaderStrippingProxy.Seen post : posts) {
            assertEquals(proxy.url(), post.origin(), post.line());
        }
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A form POST with {@code Origin: null} and no Sec-Fetch-Site, as an opaque origin's page sends it. */
    private static HttpRequest post(String url, String cookie, String... fields) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < fields.length; i += 2) {
            body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(fields[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
        }
        return HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie).header("Origin", "null")
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    }
}
