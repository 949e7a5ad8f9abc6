package coffer.server.console.page;

import coffer.engine.catalog.Token;
import coffer.engine.operation.*;
import coffer.server.console.Console;
import coffer.server.console.ConsoleRoutes;
import coffer.server.console.Frame;
import coffer.server.console.Notice;
import coffer.server.http.Routes;

import java.util.List;

/**
 * API tokens, for admins only (the roles of ListTokens, CreateToken, RevokeToken): list with each agent token's host,
 * create (secret shown once; an agent token optionally bound to a host), revoke. Stateless.
 */
public final class TokensPage implements ConsoleRoutes {
    /** {@code created}: the token just made, whose secret this page shows once (else null). */
    public record Model(Frame frame, List<Token> tokens, CreatedToken created, String next, boolean later) {
        public List<String> roles() {
            return CreateToken.ROLES;
        }
    }

    static final int PAGE = 50;

    @Override
    public void register(Routes routes, Console console) {
        console.page(routes, "/tokens", ListTokens.class, (ctx, session) -> {
            String cursor = Show.blank(ctx.queryParam("cursor"));
            TokenList page = console.operations().call(new ListTokens(null, cursor, PAGE));
            console.render(ctx, "tokens.jte", new Model(console.frame(session, "Tokens", "tokens"), page.tokens(), null,
                    Show.nextPage("/tokens", page.nextCursor()), cursor != null));
        });
        console.change(routes, "/tokens", CreateToken.class, (ctx, session) -> {
            Form form = new Form(ctx);
            CreatedToken created = console.operations().call(new CreateToken(form.text("name"), form.text("role"),
                    form.text("host")));
            // rendered here, not redirected: the secret is shown once and kept nowhere
            console.render(ctx, "tokens.jte", new Model(new Frame("Tokens", "tokens", session,
                    Notice.ok("Token '" + created.token().name() + "' created; copy its secret now, it is not shown again.")),
                    console.operations().call(new ListTokens(null, null, PAGE)).tokens(), created, null, false));
            return null;
        });
        console.change(routes, "/tokens/{token}/revoke", RevokeToken.class, (ctx, session) -> {
            console.operations().call(new RevokeToken(ctx.pathParam("token")));
            console.notify(session, "Token revoked; its sessions end at their next request.");
            return "/tokens";
        });
    }
}
