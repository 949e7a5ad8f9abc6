package coffer.server.auth;

import coffer.engine.catalog.Token;
import coffer.engine.catalog.Tokens;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import io.javalin.http.Context;

import java.util.Set;

/**
 * Checks every request's bearer token against the catalog and the role its route requires. Failures are
 * {@link ErrorCode#Unauthorized} (no token, unknown or revoked token) and {@link ErrorCode#Forbidden}
 * (the token's role is too low); the secret itself never appears in a message or log.
 */
public final class BearerAuthentication {
    /** The request attribute holding the authenticated {@link Token}. */
    public static final String TOKEN = "coffer.token";

    private final Tokens tokens;

    public BearerAuthentication(Tokens tokens) {
        this.tokens = tokens;
    }

    public void check(Context ctx) {
        Set<io.javalin.security.RouteRole> roles = ctx.routeRoles();
        if (roles.isEmpty()) {
            return; // unmatched path (answered 404 by the router), or a console page (guarded by its session)
        }
        Role required = (Role) roles.iterator().next();
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new CofferException(ErrorCode.Unauthorized, "this endpoint requires a bearer token (Authorization header missing)");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            throw new CofferException(ErrorCode.Unauthorized, "the Authorization header must be 'Bearer <token>'");
        }
        Token token = tokens.authenticate(header.substring(7).trim()).orElseThrow(() ->
                new CofferException(ErrorCode.Unauthorized, "the token is unknown or revoked"));
        Role role = Role.parse(token.role());
        if (!role.allows(required)) {
            throw new CofferException(ErrorCode.Forbidden, "token '" + token.name() + "' has role " + role
                    + "; " + ctx.method() + " " + ctx.path() + " requires " + required);
        }
        ctx.attribute(TOKEN, token);
    }
}
