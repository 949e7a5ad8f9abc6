package coffer.server.console;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A person's browser at the HTTP level, for the console's tests that need no script: a cookie jar, forms posted as
 * a browser posts them, redirects not followed (the tests look at them). Not thread-safe.
 */
final class ConsoleClient {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    record Page(int status, String location, String body, List<String> cookies, String retryAfter) {
        String csrf() {
            Matcher m = CSRF.matcher(body);
            if (!m.find()) {
                throw new AssertionError("no CSRF field in the page: " + body);
            }
            return m.group(1);
        }
    }

    private final String url;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;

    ConsoleClient(String url) {
        this.url = url;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** This client with a cookie a browser kept (e.g. from another server of the same catalog). */
    ConsoleClient withCookie(String name, String value) {
        java.net.HttpCookie cookie = new java.net.HttpCookie(name, value);
        cookie.setPath("/");
        cookie.setVersion(0);
        cookies.getCookieStore().add(URI.create(url), cookie);
        return this;
    }

    /** The value a Set-Cookie of {@code page} gives the cookie {@code name}. */
    static String cookieValue(Page page, String name) {
        return page.cookies().stream().filter(c -> c.startsWith(name + "=")).findFirst()
                .map(c -> c.substring(name.length() + 1, c.indexOf(';'))).orElseThrow(() ->
                        new AssertionError("no cookie " + name + " set: " + page.cookies()));
    }

    Page get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url + path)).GET().build());
    }

    /** Posts a form of name/value pairs. */
    Page post(String path, String... fields) throws IOException, InterruptedException {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < fields.length; i += 2) {
            pairs.add(URLEncoder.encode(fields[i], StandardCharsets.UTF_8) + "=" + URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
        }
        return send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("&", pairs))).build());
    }

    /** Signs in with this token's secret; returns the answer to the sign-in post. */
    Page signIn(String secret) throws IOException, InterruptedException {
        Page form = get("/login");
        return post("/login", "_csrf", form.csrf(), "token", secret);
    }

    private Page send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Page(r.statusCode(), r.headers().firstValue("Location").orElse(null), r.body(),
                r.headers().allValues("Set-Cookie"), r.headers().firstValue("Retry-After").orElse(null));
    }
}
