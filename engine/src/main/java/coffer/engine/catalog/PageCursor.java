package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Where a page of a newest-first list ended: the last row's creation time and id. The next page holds the rows
 * strictly after it in the order {@code created_at DESC, id DESC} (keyset paging): walking the pages returns each
 * row that existed when the walk began exactly once, whatever is inserted meanwhile (a newer row sorts before
 * every cursor; an older one is met once, in its place). Shown to clients as an opaque token,
 * {@code base64url("1:" + millis + ":" + id)}. Immutable.
 */
public record PageCursor(Instant createdAt, String id) {
    private static final String VERSION = "1";

    public PageCursor {
        if (createdAt == null || id == null || id.isEmpty()) {
            throw new IllegalArgumentException("a page cursor needs a time and an id");
        }
    }

    /** The token a client passes back for the next page. */
    public String encode() {
        String plain = VERSION + ":" + createdAt.toEpochMilli() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor of a token {@link #encode} made; {@code InvalidArgument} naming {@code field} for anything else. */
    public static PageCursor decode(String field, String token) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String[] parts = plain.split(":", 3);
            if (parts.length == 3 && parts[0].equals(VERSION) && !parts[2].isEmpty()) {
                return new PageCursor(Instant.ofEpochMilli(Long.parseLong(parts[1])), parts[2]);
            }
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            // named below
        }
        throw new CofferException(ErrorCode.InvalidArgument, field + ": '" + token + "' is not a cursor this server gave"
                + " (pass the nextCursor of the previous page unchanged)");
    }
}
