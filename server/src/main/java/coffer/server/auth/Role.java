package coffer.server.auth;

import io.javalin.security.RouteRole;

/**
 * What a token may do. Roles are ordered: each includes the ones before it. viewer reads; operator also
 * backs up, restores, protects and manages jobs; admin also deletes points, manages tokens and rebuilds the
 * catalog.
 */
public enum Role implements RouteRole {
    viewer, operator, admin;

    public boolean allows(Role required) {
        return ordinal() >= required.ordinal();
    }

    public static Role parse(String text) {
        for (Role role : values()) {
            if (role.name().equals(text)) {
                return role;
            }
        }
        throw new coffer.engine.error.CofferException(coffer.engine.error.ErrorCode.InvalidArgument,
                "role: must be one of admin, operator, viewer, got '" + text + "'");
    }
}
