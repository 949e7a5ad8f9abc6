package coffer.server.console;

import coffer.server.api.Endpoints;
import coffer.server.auth.Role;

/**
 * What every page's frame shows: its title and section (the navigation's current entry), who is signed in, the
 * CSRF token for its forms, and a notice. {@link #may} says whether the signed-in role may run an operation: the
 * least role of that record's API endpoint, so a page shows only the buttons the server would accept.
 * Immutable.
 */
public record Frame(String title, String section, ConsoleSession session, Notice notice) {
    public boolean may(Class<?> operation) {
        return session != null && session.role().allows(requiredRole(operation));
    }

    public String csrf() {
        return session == null ? "" : session.csrf();
    }

    public boolean admin() {
        return session != null && session.role() == Role.admin;
    }

    /** The least role the API's endpoint table gives this operation record. */
    public static Role requiredRole(Class<?> operation) {
        return Endpoints.find(operation).orElseThrow(() ->
                new IllegalArgumentException("no endpoint for " + operation.getSimpleName())).role();
    }
}
