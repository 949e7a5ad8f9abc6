package coffer.server.console;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.engine.operation.Operations;
import coffer.server.http.Routes;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's routes and the one place that guards them: a page needs a live session (else the sign-in form);
 * a change (every POST) needs the session's CSRF token and the role the API's endpoint table gives its operation
 * record, else it is refused {@code Forbidden} before anything runs. A refused or failed change comes back as a
 * notice with its stable code and remedy. Console routes carry no API role ({@link coffer.server.http.Route}):
 * they authenticate by session here, never by bearer token. Thread-safe.
 */
public final class Console {
    private static final Logger LOG = LoggerFactory.getLogger(Console.class);
    /** The form field (and, for htmx, the header) carrying the CSRF token. */
    public static final String CSRF_FIELD = "_csrf";
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private final Operations operations;
    private final ConsoleSessions sessions;
    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);

    public Console(Operations operations, ConsoleSessions sessions) {
        this.operations = operations;
        this.sessions = sessions;
    }

    public Operations operations() {
        return operations;
    }

    public ConsoleSessions sessions() {
        return sessions;
    }

    /** What a page does with a signed-in request. */
    @FunctionalInterface
    public interface Page {
        void handle(Context ctx, ConsoleSession session) throws Exception;
    }

    /** What a change does; returns where to go next (a console path). */
    @FunctionalInterface
    public interface Change {
        String handle(Context ctx, ConsoleSession session) throws Exception;
    }

    /** Registers the console's routes (the pages' {@code register} add theirs through {@link #page}, {@link #change}). */
    public void register(Routes routes, java.util.List<ConsoleRoutes> pages) {
        routes.add("GET", "/", null, ctx -> ctx.redirect("/instances", HttpStatus.SEE_OTHER));
        new SignIn(this).register(routes);
        StaticFiles.register(routes);
        for (ConsoleRoutes page : pages) {
            page.register(routes, this);
        }
    }

    /** A page: GET {@code path}, showing what {@code query} (an operation record) answers, for the roles its endpoint allows. */
    public void page(Routes routes, String path, Class<?> query, Page page) {
        routes.add("GET", path, null, ctx -> {
            secureHeaders(ctx);
            var session = sessions.find(ctx.cookie(ConsoleSessions.COOKIE));
            if (session.isEmpty()) {
                if (ctx.header("HX-Request") != null) {
                    ctx.header("HX-Redirect", "/login");
                    ctx.status(HttpStatus.UNAUTHORIZED);
                } else {
                    ctx.redirect("/login", HttpStatus.SEE_OTHER);
                }
                return;
            }
            var required = Frame.requiredRole(query);
            if (!session.get().role().allows(required)) {
                refuse(ctx, session.get(), ErrorCode.Forbidden, "token '" + session.get().tokenName() + "' has role "
                        + session.get().role() + "; this page (" + query.getSimpleName() + ") requires " + required);
                return;
            }
            try {
                page.handle(ctx, session.get());
            } catch (Exception e) {
                CofferException failure = failure(ctx, e);
                ctx.status(failure.code().httpStatus());
                render(ctx, "error.jte", new ErrorPage(frame(session.get(), "Error", ""), Notice.problem(failure)));
            }
        });
    }

    /**
     * A change: POST {@code path}, running {@code operation}'s record; needs the CSRF token and that record's role.
     * A refusal by the operation becomes a notice on the page the form names as {@code back}.
     */
    public void change(Routes routes, String path, Class<?> operation, Change change) {
        routes.add("POST", path, null, ctx -> {
            secureHeaders(ctx);
            var found = sessions.find(ctx.cookie(ConsoleSessions.COOKIE));
            if (found.isEmpty()) {
                refuse(ctx, null, ErrorCode.Unauthorized, "your console session has ended or was never opened; sign in again");
                return;
            }
            ConsoleSession session = found.get();
            String foreign = fromAnotherSite(ctx);
            if (foreign != null) {
                refuse(ctx, session, ErrorCode.Forbidden, "the request came from another site (" + foreign + "; "
                        + ctx.method() + " " + ctx.path() + " was not run); use the console's own forms");
                return;
            }
            String csrf = ctx.formParam(CSRF_FIELD);
            if (!ConsoleSessions.csrfMatches(session, csrf != null ? csrf : ctx.header(CSRF_HEADER))) {
                refuse(ctx, session, ErrorCode.Forbidden, "the form's CSRF token is missing or wrong (" + ctx.method() + " "
                        + ctx.path() + " was not run); reload the page and submit the form again");
                return;
            }
            var required = Frame.requiredRole(operation);
            if (!session.role().allows(required)) {
                refuse(ctx, session, ErrorCode.Forbidden, "token '" + session.tokenName() + "' has role " + session.role()
                        + "; " + operation.getSimpleName() + " requires " + required);
                return;
            }
            String next;
            try {
                next = change.handle(ctx, session);
            } catch (Exception e) {
                sessions.notify(session, Notice.problem(failure(ctx, e)));
                next = back(ctx);
            }
            if (next != null) {
                ctx.redirect(next, HttpStatus.SEE_OTHER);
            }
        });
    }

    /** Renders a template whose one parameter is {@code model}. */
    public void render(Context ctx, String template, Object model) {
        StringOutput out = new StringOutput();
        templates.render(template, model, new BidiSafeOutput(out));
        ctx.html(out.toString());
    }

    /** The frame of a page for this session, taking its pending notice. */
    public Frame frame(ConsoleSession session, String title, String section) {
        return new Frame(title, section, session, sessions.takeNotice(session));
    }

    public void notify(ConsoleSession session, String text) {
        sessions.notify(session, Notice.ok(text));
    }

    /**
     * The console path the form came from ({@code back}), or {@code /}; never another site. Control characters are
     * refused too: a browser drops tabs and line breaks from a URL, so {@code /<TAB>/host} would lead to {@code //host}.
     */
    public static String back(Context ctx) {
        String back = ctx.formParam("back");
        return back != null && back.startsWith("/") && !back.startsWith("//") && !back.contains("\\")
                && back.chars().noneMatch(c -> c < 0x20 || c == 0x7f) ? back : "/";
    }

    /**
     * Why a change, a sign-in or a sign-out is taken as sent from another site, or null when it is not: the browser
     * says so ({@code Sec-Fetch-Site} {@code cross-site} or {@code same-site}: SameSite=Strict cookies are sent from a
     * sibling subdomain, which may also set cookies for the parent domain); or, from a client that sends no
     * {@code Sec-Fetch-Site} (older browsers, some proxies), its {@code Origin} names another origin than the
     * console's own ({@code Origin: null} included: an opaque origin, a sandboxed document's, a page's after a
     * redirect from another origin or one under a {@code no-referrer} policy), or, without an {@code Origin}, its
     * {@code Referer} does. The console's own forms send their origin: its pages' referrer policy is
     * {@code same-origin} (under {@code no-referrer} a browser sends {@code Origin: null} for them: Chromium does), they
     * post to the console itself ({@code form-action 'self'}), never through a redirect, and are never framed or
     * sandboxed (docs/console.md, "Another site"). The console's own forms and scripts are {@code same-origin}, a typed
     * or bookmarked request {@code none}; a request with none of the three (a script) relies on the CSRF token alone.
     * Is answered before the CSRF token is even looked at.
     */
    static String fromAnotherSite(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null) {
            return "cross-site".equalsIgnoreCase(site) || "same-site".equalsIgnoreCase(site) ? "Sec-Fetch-Site: " + site : null;
        }
        String origin = ctx.header("Origin");
        if (origin != null) {
            return !origin.equals("null") && ConsoleOrigin.matches(origin, ctx) ? null : "Origin: " + origin;
        }
        String referer = ctx.header("Referer");
        if (referer != null) {
            return ConsoleOrigin.matches(referer, ctx) ? null : "Referer from " + ConsoleOrigin.of(referer);
        }
        return null;
    }

    private void refuse(Context ctx, ConsoleSession session, ErrorCode code, String message) {
        ctx.status(code.httpStatus());
        render(ctx, "error.jte", new ErrorPage(new Frame("Refused", "", session, null), Notice.problem(code, message)));
    }

    private static CofferException failure(Context ctx, Exception e) {
        CofferException failure = Errors.classify(e);
        if (failure.code() == ErrorCode.Internal) {
            LOG.error("console {} {} failed", ctx.method(), ctx.path(), e);
        }
        return failure;
    }

    static void secureHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
                + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        ctx.header("X-Frame-Options", "DENY"); // frame-ancestors for browsers that predate it
        ctx.header("X-Content-Type-Options", "nosniff");
        // same-origin: another site gets no Referer; the console's own forms send their Origin (no-referrer makes it null)
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
    }

    /** The error page's model. */
    public record ErrorPage(Frame frame, Notice problem) {
    }
}
