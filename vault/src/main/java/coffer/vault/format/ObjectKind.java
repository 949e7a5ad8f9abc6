package coffer.vault.format;

/** What a sealed vault object holds; byte 5 of every object header. See docs/format/objects.md. */
public enum ObjectKind {
    CONFIG(1), CHUNK(2), INDEX(3), MANIFEST(4), PATCH(5), HOLD(6), MARKER(7),
    /** The purpose inside a lock's, lease's or claim's body, sealed in an encrypted vault (docs/format/lock.md). */
    PURPOSE(8);

    private final int code;

    ObjectKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    static ObjectKind of(int code) {
        for (ObjectKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        return null;
    }
}
