package coffer.vault;

import java.io.IOException;

/**
 * Stored data failed a check: an authentication tag, a digest, a checksum or a structural rule.
 * Names the vault object, the check that failed and, when known, the point, disk and byte range affected.
 * Never retried: reading the same bytes again gives the same answer.
 */
public final class CorruptDataException extends IOException {
    private final String object;
    private final String check;
    private final String where;

    public CorruptDataException(String object, String check) {
        this(object, check, null, null);
    }

    private CorruptDataException(String object, String check, String where, Throwable cause) {
        super("corrupt vault object '" + object + "': " + check + (where == null ? "" : " (" + where + ")"), cause);
        this.object = object;
        this.check = check;
        this.where = where;
    }

    public CorruptDataException(String object, String check, Throwable cause) {
        this(object, check, null, cause);
    }

    /** The same failure, located: e.g. {@code point 2026… disk vda bytes 0x100000-0x17ffff}. */
    public CorruptDataException at(String location) {
        return new CorruptDataException(object, check, location, this);
    }

    public String object() {
        return object;
    }

    public String check() {
        return check;
    }

    /** The point, disk and byte range affected, or null when not known at the throwing layer. */
    public String where() {
        return where;
    }
}
