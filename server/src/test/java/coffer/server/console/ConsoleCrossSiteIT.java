package coffer.server.console;

import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
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
 * The console's browser-side defences (docs/console.md, "Sessions, CSRF and roles"): a change or a sign-in the browser
 * marks as sent from another site or a sibling subdomain ({@code Sec-Fetch-Site}) is refused even with a matching CSRF
 * value (a sibling can set the sign-in form's cookie); a form's {@code back} never leads off the console, control
 * characters included; every console answer carries the framing, script and caching headers; and in Chromium a page of
 * another site that posts a form to the console changes nothing.
 */
class ConsoleCrossSiteIT {
    @TempDir Path dir;
    @RegisterExtension final BrowserTests opened = new BrowserTests();

    @Test
    void aSignInOrChangeSentFromAnotherSiteIsRefusedAndBackStaysOnTheConsole() throws Exception {
        TestServer server = opened.server(TestServer.config(dir.resolve("data"), TestDatabase.sqlite(dir).config()));
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

        // the sign-in form's double submit, as a sibling subdomain could forge it (its own cookie, the same value posted)
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/login")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertHeaders(form);
        for (String site : List.of("same-site", "cross-site")) {
            HttpResponse<String> forged = http.send(post(server.url() + "/login", ConsoleSessions.LOGIN_COOKIE + "=forged-console20", site,
                    "_csrf", "forged-console20", "token", server.adminToken()), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, forged.statusCode(), site + ": " + forged.body());
            assertTrue(forged.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.startsWith(ConsoleSessions.COOKIE + "=")),
                    "no session for a sign-in from " + site);
        }
        // the same from the console's own page (same-origin) signs in
        HttpResponse<String> own = http.send(post(server.url() + "/login", ConsoleSessions.LOGIN_COOKIE + "=own-console20", "same-origin",
                "_csrf", "own-console20", "token", server.adminToken()), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, own.statusCode(), own.body());
        String cookie = own.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(ConsoleSessions.COOKIE + "="))
                .findFirst().orElseThrow().split(";")[0];
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/tokens")).header("Cookie", cookie)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertHeaders(page);
        String csrf = page.body().replaceAll("(?s).*name=\"_csrf\" value=\"([^\"]+)\".*", "$1");

        // a change with the right CSRF value, but from another site or a sibling: refused, nothing made
        for (String site : List.of("cross-site", "same-site")) {
            HttpResponse<String> change = http.send(post(server.url() + "/tokens", cookie, site, "_csrf", csrf,
                    "name", "evil-" + site, "role", "admin"), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, change.statusCode(), change.body());
            assertHeaders(change);
            assertTrue(change.body().contains("Sec-Fetch-Site: " + site), change.body());
        }
        assertTrue(server.server().catalog().tokens().list().stream().noneMatch(t -> t.name().startsWith("evil-")));

        // back: a console path only; a tab or a line break (which a browser drops from a URL) does not make one
        for (String back : List.of("/\t/example.com", "/\n/example.com", "/\r/example.com", "//example.com", "/\\example.com",
                "https://example.com")) {
            HttpResponse<String> revoke = http.send(post(server.url() + "/tokens/no-such-token/revoke", cookie, "same-origin",
                    "_csrf", csrf, "back", back), HttpResponse.BodyHandlers.ofString());
            assertEquals(303, revoke.statusCode(), revoke.body());
            assertEquals("/", revoke.headers().firstValue("Location").orElseThrow(), "back " + back.replace("\t", "\\t")
                    .replace("\n", "\\n").replace("\r", "\\r"));
        }
        HttpResponse<String> kept = http.send(post(server.url() + "/tokens/no-such-token/revoke", cookie, null, "_csrf", csrf,
                "back", "/tokens?cursor=x"), HttpResponse.BodyHandlers.ofString());
        assertEquals("/tokens?cursor=x", kept.headers().firstValue("Location").orElseThrow());

        // a refusal page and a page's error carry the headers too
        assertHeaders(http.send(HttpRequest.newBuilder(URI.create(server.url() + "/points/no-such-point")).header("Cookie", cookie)
                .GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void aPageOfAnotherSitePostingToTheConsoleChangesNothing() throws Exception {
        TestServer server = opened.server(TestServer.config(dir.resolve("data"), TestDatabase.sqlite(dir).config()));
        Browser browser = opened.browser(server.url());
        browser.signIn(server.adminToken());
        browser.go("/tokens");
        String csrf = browser.find("input[name=_csrf]").getAttribute("value");
        // another site (localhost is not 127.0.0.1's site) whose page posts a form to the console, even with the token
        HttpServer attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String target = server.url() + "/tokens";
        byte[] evil = ("<!DOCTYPE html><html><body><form id=f method=post action='" + target + "'>"
                + "<input name=_csrf value='" + csrf + "'><input name=name value=evil-console20><input name=role value=admin>"
                + "</form><script>document.getElementById('f').submit()</script></body></html>").getBytes(StandardCharsets.UTF_8);
        attacker.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, evil.length);
            exchange.getResponseBody().write(evil);
            exchange.close();
        });
        attacker.start();
        opened.made(() -> attacker.stop(0));
        browser.driver.get("http://localhost:" + attacker.getAddress().getPort() + "/");
        browser.await(Duration.ofSeconds(20), d -> d.getCurrentUrl().startsWith(server.url()));
        coffer.testing.Await.until(() -> "complete".equals(((org.openqa.selenium.JavascriptExecutor) browser.driver)
                .executeScript("return document.readyState")), Duration.ofSeconds(20), "the answer loaded");
        assertFalse(browser.driver.getPageSource().contains("Secret of token"), browser.driver.getPageSource());
        assertTrue(server.server().catalog().tokens().list().stream().noneMatch(t -> t.name().equals("evil-console20")),
                "no token made by another site's form");
        // the console's own form still works in the same browser
        browser.go("/tokens");
        browser.find("#t-name").sendKeys("own-console20");
        browser.find("#token-form button[type=submit]").click();
        browser.await(Duration.ofSeconds(20), d -> browser.has("#secret"));
    }

    private static void assertHeaders(HttpResponse<String> answer) {
        String csp = answer.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe"),
                answer.uri() + ": " + csp);
        assertEquals("DENY", answer.headers().firstValue("X-Frame-Options").orElse(null), answer.uri().toString());
        assertEquals("nosniff", answer.headers().firstValue("X-Content-Type-Options").orElse(null), answer.uri().toString());
        assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(null), answer.uri().toString());
        assertEquals("same-origin", answer.headers().firstValue("Referrer-Policy").orElse(null), answer.uri().toString());
    }

    private static HttpRequest post(String url, String cookie, String site, String... fields) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < fields.length; i += 2) {
            body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(fields[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (site != null) {
            request.header("Sec-Fetch-Site", site);
        }
        return request.build();
    }
}
