package coffer.server.console;

import io.javalin.http.Context;

import java.net.URI;
import java.util.Locale;

/**
 * Whether an {@code Origin} or a {@code Referer} names the console's own origin: the request's {@code Host} (host and
 * port, a port left out being the URL's scheme's default) and, when the server itself serves TLS, the scheme
 * {@code https}. A plain-HTTP server behind a TLS proxy accepts an {@code https} origin of its host, so the proxy must
 * pass the browser's {@code Host} on (docs/console.md, "Another site"). Anything that does not parse as an http or
 * https URL with a host does not match. Stateless.
 */
final class ConsoleOrigin {
    private ConsoleOrigin() {
    }

    /** Whether {@code url} (an origin or a full URL) is of the origin {@code ctx} was sent to. */
    static boolean matches(String url, Context ctx) {
        URI given = parse(url);
        String host = ctx.header("Host");
        if (given == null || host == null) {
            return false;
        }
        String scheme = given.getScheme().toLowerCase(Locale.ROOT);
        if ("https".equalsIgnoreCase(ctx.scheme()) && !scheme.equals("https")) {
            return false;
        }
        URI own = parse(scheme + "://" + host);
        return own != null && own.getRawPath().isEmpty() && own.getRawQuery() == null
                && given.getHost().equalsIgnoreCase(own.getHost()) && port(given) == port(own);
    }

    /** The origin part of {@code url} ({@code scheme://host:port}) for a refusal's message, or a placeholder. */
    static String of(String url) {
        URI given = parse(url);
        return given == null ? "an unreadable URL" : given.getScheme() + "://" + given.getRawAuthority();
    }

    private static URI parse(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            return scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    && uri.getHost() != null && uri.getRawUserInfo() == null ? uri : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }
}
