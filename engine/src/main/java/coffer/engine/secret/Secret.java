package coffer.engine.secret;

import java.util.Objects;

/**
 * A password or other secret from the configuration. It never shows itself: {@link #toString()} is
 * {@code ***}, so a secret inside a configuration record, a log line or an error message prints redacted; only
 * {@link #reveal()} hands the value to the one place that needs it (the JDBC pool, the TLS key store).
 *
 * <p>Immutable and thread-safe. Not a record on purpose: a record's generated {@code toString} and
 * {@code equals} would expose and compare the value.
 */
public final class Secret {
    private static final String REDACTED = "***";
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The secret itself: pass it on directly, never into a message. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return REDACTED;
    }
}
