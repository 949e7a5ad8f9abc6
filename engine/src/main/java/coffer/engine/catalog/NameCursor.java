package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a page of a list ordered by name ended (the instances: they have no creation time): the last row's name and
 * id. The next page holds the rows strictly after it in the order {@code name, id} (keyset paging, as
 * {@link PageCursor} for the newest-first lists: each row that existed when the walk began is met exactly once). Shown
 * to clients as an opaque token, {@code base64url("n1:" + id + ":" + name)} (an id holds no colon). Immutable.
 */
public record NameCursor(String name, String id) {
    private static final String VERSION = "n1";

    public NameCursor {
        if (name == null || id == null || id.isEmpty() || id.contains(":")) {
            throw new IllegalArgumentException("a name cursor needs a name and an id without a colon");
        }
    }

    /** The token a client passes back for the next page. */
    public String encode() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((VERSION + ":" + id + ":" + name)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor of a token {@link #encode} made; {@code InvalidArgument} naming {@code field} for anything else. */
    public static NameCursor decode(String field, String token) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", 3);
            if (parts.length == 3 && parts[0].equals(VERSION)) {
                return new NameCursor(parts[2], parts[1]);
            }
        } catch (IllegalArgumentException e) {
            // named below
        }
        throw new CofferException(ErrorCode.InvalidArgument, field + ": '" + token + "' is not a cursor this server gave"
                + " (pass the nextCursor of the previous page unchanged)");
    }
}
