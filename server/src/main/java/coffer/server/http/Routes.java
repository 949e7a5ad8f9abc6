package coffer.server.http;

import coffer.server.auth.Role;
import io.javalin.http.Handler;

import java.util.ArrayList;
import java.util.List;

/** Collects the routes of the API groups. */
public final class Routes {
    public static final String PREFIX = "/api/v1";

    private final List<Route> routes = new ArrayList<>();

    public Routes get(String path, Role role, Handler handler) {
        return add("GET", path, role, handler);
    }

    public Routes post(String path, Role role, Handler handler) {
        return add("POST", path, role, handler);
    }

    public Routes delete(String path, Role role, Handler handler) {
        return add("DELETE", path, role, handler);
    }

    public Routes put(String path, Role role, Handler handler) {
        return add("PUT", path, role, handler);
    }

    /** Adds a route; {@code role} null only for a console page (never under {@link #PREFIX}: every API route has a role). */
    public Routes add(String method, String path, Role role, Handler handler) {
        if (role == null && path.startsWith(PREFIX)) {
            throw new IllegalArgumentException(method + " " + path + ": an API route needs a role");
        }
        routes.add(new Route(method, path, role, handler));
        return this;
    }

    public List<Route> list() {
        return List.copyOf(routes);
    }
}
