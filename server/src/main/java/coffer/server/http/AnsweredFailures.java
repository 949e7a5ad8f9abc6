package coffer.server.http;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's handlers with every failure answered here, as a problem ({@link Problems}), never left to Javalin's own
 * exception handling. Javalin handles a failure as a further task of the request, and when that task fails in turn it
 * queues another, without end: the request is never answered and its thread spins. That is what a server did once its
 * jar had been rewritten under it: Javalin's class for exception handling could no longer be loaded, and every request
 * that failed (an unknown query parameter's 400 as well) hung, one busy thread each, with nothing logged
 * (docs/reliability.md, session 21). The classes this path needs are loaded when the server starts ({@link #prepare}),
 * and when writing the problem fails anyway the request still ends, with status 500. Stateless.
 */
public final class AnsweredFailures {
    private static final Logger LOG = LoggerFactory.getLogger(AnsweredFailures.class);

    private AnsweredFailures() {
    }

    /** {@code handler}, its failures answered as problems. */
    public static Handler route(Handler handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (EofException clientGone) {
                throw clientGone; // the client went away mid-answer (a download): Javalin's, nothing to answer
            } catch (Throwable failure) {
                answer(ctx, failure);
            }
        };
    }

    /** A before-handler ({@code check}) whose failure is the request's answer: nothing after it runs. */
    public static Handler before(Handler check) {
        return ctx -> {
            try {
                check.handle(ctx);
            } catch (Throwable failure) {
                answer(ctx, failure);
                ctx.skipRemainingHandlers();
            }
        };
    }

    /** Answers the request with {@code failure} as a problem; with status 500 alone when even that fails. */
    public static void answer(Context ctx, Throwable failure) {
        try {
            if (failure instanceof Exception exception) {
                Problems.handle(exception, ctx);
            } else {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), failure);
                Problems.write(ctx, ErrorCode.Internal, "the server failed: " + failure);
            }
        } catch (Throwable again) {
            failure.addSuppressed(again);
            ctx.res().setStatus(ErrorCode.Internal.httpStatus());
        }
    }

    /** Loads the classes a failure's answer needs, so that it is answered even when they can no longer be loaded. */
    static void prepare() {
        Problems.json(Errors.classify(new CofferException(ErrorCode.InvalidArgument, "prepared")).code(), "prepared");
        Problems.json(Errors.classify(new IllegalStateException("prepared")).code(), "prepared");
    }
}
