package coffer.server.http;

import coffer.engine.error.ErrorCode;
import coffer.server.auth.BearerAuthentication;
import coffer.server.config.ServerConfig;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.util.List;

/**
 * The HTTP side (Javalin on Jetty): the routes (each GET also as HEAD), bearer authentication before every
 * matched API route (the console's routes carry no role and check their session themselves), problem+json for every
 * error (including unknown paths and methods; a handler's failures answered by the handler, {@link AnsweredFailures}),
 * request bodies read in
 * full and bounded before the API sees them ({@link BodyReadLimit}), and TLS when a key store is configured.
 * Thread-safe once started.
 */
public final class ApiServer implements AutoCloseable {
    /** The largest request body accepted (413 RequestTooLarge beyond). */
    static final long MAX_BODY_BYTES = 1_000_000L;

    private final Javalin app;

    private ApiServer(Javalin app) {
        this.app = app;
    }

    public static ApiServer start(ServerConfig config, List<Route> routes, BearerAuthentication auth) {
        AnsweredFailures.prepare();
        Javalin app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.http.maxRequestSize = MAX_BODY_BYTES;
            // request bodies are read in full, without a thread, before the API sees them (BodyReadLimit)
            c.jetty.modifyServer(server -> server.insertHandler(new BodyReadLimit(MAX_BODY_BYTES,
                    config.limits().bodyReads(), config.limits().bodyReadTimeout())));
            c.router.ignoreTrailingSlashes = true;
            for (Route route : routes) {
                // a console route has no API role: it authenticates by session itself (coffer.server.console)
                RouteRole[] roles = route.role() == null ? new RouteRole[0] : new RouteRole[]{route.role()};
                // every failure answered by the handler itself, never by Javalin's exception task (AnsweredFailures)
                io.javalin.http.Handler handler = AnsweredFailures.route(route.handler());
                switch (route.method()) {
                    case "GET" -> {
                        c.routes.get(route.path(), handler, roles);
                        // HEAD is the GET without its body, authenticated like it (Javalin would otherwise answer
                        // a HEAD on a GET route 200 itself, before any before-handler could check the token)
                        c.routes.head(route.path(), handler, roles);
                    }
                    case "POST" -> c.routes.post(route.path(), handler, roles);
                    case "PUT" -> c.routes.put(route.path(), handler, roles);
                    case "DELETE" -> c.routes.delete(route.path(), handler, roles);
                    default -> throw new IllegalArgumentException(route.method());
                }
            }
            c.routes.beforeMatched(AnsweredFailures.before(auth::check));
            c.routes.exception(Exception.class, Problems::handle);
            c.routes.error(404, ApiServer::notFound);
            c.routes.error(405, ApiServer::notFound);
            if (config.tls() != null) {
                c.jetty.addConnector((server, http) -> {
                    SslContextFactory.Server ssl = new SslContextFactory.Server();
                    ssl.setKeyStorePath(config.tls().keystore().toString());
                    ssl.setKeyStorePassword(config.tls().password().reveal());
                    ssl.setKeyStoreType("PKCS12");
                    HttpConfiguration https = new HttpConfiguration(http);
                    https.addCustomizer(new SecureRequestCustomizer(false));
                    ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                            new HttpConnectionFactory(https));
                    connector.setHost(config.address());
                    connector.setPort(config.port());
                    return connector;
                });
            } else {
                c.jetty.host = config.address();
                c.jetty.port = config.port();
            }
        });
        app.start();
        return new ApiServer(app);
    }

    private static void notFound(Context ctx) {
        String type = ctx.res().getContentType();
        if (type != null && (type.startsWith("application/problem+json") || type.startsWith("text/html"))) {
            return; // a handler already answered with its own problem (or a console page with its own)
        }
        Problems.write(ctx, ErrorCode.ResourceNotFound, "no endpoint " + ctx.method() + " " + ctx.path());
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
