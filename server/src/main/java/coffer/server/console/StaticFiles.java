package coffer.server.console;

import coffer.server.http.Routes;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The console's two static files, read once from the class path: its style sheet and htmx (from the htmx.org
 * WebJar, the version the build names). Public: they hold nothing secret. Thread-safe (immutable after loading).
 */
final class StaticFiles {
    private static final byte[] CSS = read("/coffer/console/console.css");
    private static final byte[] HTMX = read("/META-INF/resources/webjars/htmx.org/" + htmxVersion() + "/dist/htmx.min.js");

    private StaticFiles() {
    }

    static void register(Routes routes) {
        routes.add("GET", "/static/console.css", null, ctx -> serve(ctx, CSS, "text/css; charset=utf-8"));
        routes.add("GET", "/static/htmx.min.js", null, ctx -> serve(ctx, HTMX, "text/javascript; charset=utf-8"));
    }

    private static void serve(Context ctx, byte[] bytes, String type) {
        ctx.header("Cache-Control", "max-age=3600");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(type);
        ctx.result(bytes);
    }

    private static String htmxVersion() {
        try (InputStream in = StaticFiles.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/htmx.org/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the htmx.org WebJar is not on the class path");
            }
            java.util.Properties properties = new java.util.Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(String resource) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing console resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
