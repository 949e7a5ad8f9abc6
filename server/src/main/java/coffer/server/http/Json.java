package coffer.server.http;

import coffer.engine.json.CofferJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;

/** Writes the API's JSON answers with the one mapper of the operation records ({@link CofferJson}). */
public final class Json {
    private Json() {
    }

    public static void write(Context ctx, int status, Object value) {
        try {
            ctx.status(status).contentType("application/json").result(CofferJson.MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
