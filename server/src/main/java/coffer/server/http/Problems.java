package coffer.server.http;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Errors as RFC 9457 {@code application/problem+json}: {@code type}, {@code title} (the stable code),
 * {@code status}, {@code detail} (the message), plus {@code code} and {@code remedy}. Unexpected failures
 * are logged with their stack and answered as {@link ErrorCode#Internal}.
 */
public final class Problems {
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    public static void handle(Exception e, Context ctx) {
        CofferException failure = Errors.classify(e);
        if (failure.code() == ErrorCode.Internal) {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
        }
        write(ctx, failure.code(), failure.getMessage());
    }

    public static void write(Context ctx, ErrorCode code, String detail) {
        Json.write(ctx, code.httpStatus(), problem(code, detail));
        ctx.contentType("application/problem+json");
    }

    /** The problem document as JSON bytes, for answers written below Javalin (the HTTP server's own limits). */
    static byte[] json(ErrorCode code, String detail) {
        try {
            return coffer.engine.json.CofferJson.MAPPER.writeValueAsBytes(problem(code, detail));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> problem(ErrorCode code, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "https://coffer.dev/problems/" + code.name());
        problem.put("title", code.name());
        problem.put("status", code.httpStatus());
        problem.put("detail", detail);
        problem.put("code", code.name());
        problem.put("remedy", code.apiRemedy());
        return problem;
    }
}
