package coffer.server.console;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.server.http.Routes;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/**
 * Signing in with a token's secret and signing out. The sign-in form has no session yet, so its CSRF check is a
 * double submit: a random value in its own SameSite=Strict cookie and in the form, which must match, from no other
 * site ({@code Sec-Fetch-Site}, else {@code Origin} or {@code Referer}: a sibling subdomain can set that cookie,
 * Console#fromAnotherSite). Repeated failed sign-ins from one client are refused {@code SignInThrottled} for a while,
 * with {@code Retry-After} (SignInThrottle). Stateless.
 */
public final class SignIn {
    private final Console console;

    SignIn(Console console) {
        this.console = console;
    }

    void register(Routes routes) {
        routes.add("GET", "/login", null, this::form);
        routes.add("POST", "/login", null, this::signIn);
        routes.add("POST", "/logout", null, this::signOut);
    }

    /** The sign-in form's model: its CSRF value and the problem of a refused attempt. */
    public record Model(String csrf, Notice problem) {
    }

    private void form(Context ctx) {
        show(ctx, null);
    }

    private void show(Context ctx, Notice problem) {
        Console.secureHeaders(ctx);
        String csrf = console.sessions().randomId();
        ctx.header("Set-Cookie", console.sessions().cookie(ConsoleSessions.LOGIN_COOKIE, csrf, 3600));
        console.render(ctx, "login.jte", new Model(csrf, problem));
    }

    private void signIn(Context ctx) {
        String cookie = ctx.cookie(ConsoleSessions.LOGIN_COOKIE);
        String given = ctx.formParam(Console.CSRF_FIELD);
        if (cookie == null || given == null || !java.security.MessageDigest.isEqual(cookie.getBytes(), given.getBytes())
                || Console.fromAnotherSite(ctx) != null) {
            ctx.status(HttpStatus.FORBIDDEN);
            show(ctx, Notice.problem(ErrorCode.Forbidden, "the sign-in form's CSRF token is missing or wrong, or the form"
                    + " was sent from another site; sign in from the form again"));
            return;
        }
        try {
            ConsoleSession session = console.sessions().signIn(ctx.formParam("token"), ctx.ip());
            ctx.res().addHeader("Set-Cookie", console.sessions().cookie(ConsoleSessions.LOGIN_COOKIE, "", 0));
            ctx.res().addHeader("Set-Cookie", console.sessions().cookie(ConsoleSessions.COOKIE, session.id(),
                    ConsoleSessions.LIFETIME.toSeconds()));
            ctx.redirect("/instances", HttpStatus.SEE_OTHER);
        } catch (CofferException e) {
            ctx.status(e.code().httpStatus());
            if (e.code() == ErrorCode.SignInThrottled) {
                ctx.header("Retry-After", Long.toString(console.sessions().retryAfterSeconds(ctx.ip())));
            }
            show(ctx, Notice.problem(e));
        }
    }

    private void signOut(Context ctx) {
        var session = console.sessions().find(ctx.cookie(ConsoleSessions.COOKIE));
        if (session.isPresent()) {
            String foreign = Console.fromAnotherSite(ctx);
            if (!ConsoleSessions.csrfMatches(session.get(), ctx.formParam(Console.CSRF_FIELD)) || foreign != null) {
                Console.secureHeaders(ctx);
                ctx.status(HttpStatus.FORBIDDEN);
                console.render(ctx, "error.jte", new Console.ErrorPage(new Frame("Refused", "", session.get(), null),
                        Notice.problem(ErrorCode.Forbidden, foreign != null ? "the sign-out came from another site (" + foreign
                                + "); sign out from the console's own page" : "the form's CSRF token is missing or wrong; reload the page")));
                return;
            }
            console.sessions().signOut(session.get());
        }
        ctx.header("Set-Cookie", console.sessions().cookie(ConsoleSessions.COOKIE, "", 0));
        ctx.redirect("/login", HttpStatus.SEE_OTHER);
    }
}
