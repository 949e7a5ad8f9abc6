package coffer.server.auth;

import io.javalin.security.RouteRole;

/**
 * What a token may do. viewer, operator and admin are ordered: each includes the ones before it. viewer reads;
 * operator also backs up, restores, protects and manages jobs; admin also deletes points, manages tokens and
 * rebuilds the catalog. {@code agent} stands apart: a {@code coffer agent}'s token does agent work only (its
 * endpoints refuse every other role, and it is refused everywhere else; docs/design/agents.md).
 */
public enum Role implements RouteRole {
    viewer, operator, admin, agent;

    public boolean allows(Role required) {
        if (this == agent || required == agent) {
            return this == required;
        }
        return ordinal() >= required.ordinal();
    }

    public static Role parse(String text) {
        for (Role role : values()) {
            if (role.name().equals(text)) {
                return role;
            }
        }
        throw new coffer.engine.error.CofferException(coffer.engine.error.ErrorCode.InvalidArgument,
                "role: must be one of admin, operator, viewer, agent, got '" + text + "'");
    }
}
