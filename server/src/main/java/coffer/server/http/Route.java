package coffer.server.http;

import coffer.server.auth.Role;
import io.javalin.http.Handler;

/**
 * One API endpoint: method, path (Javalin syntax, {@code {id}} for parameters), the least role it needs,
 * and its handler; a console page has no role ({@code null}): it is guarded by its session and CSRF token
 * ({@code coffer.server.console.Console}), never by a bearer token. The list of routes is the single source for the router, the auth tests and the check
 * that the OpenAPI document describes every endpoint.
 */
public record Route(String method, String path, Role role, Handler handler) {
}
