package coffer.vault.secret;

import java.util.Objects;

/**
 * A password, access key or other secret from the configuration or the environment. It never shows itself:
 * {@link #toString()} is {@code ***}, so a secret inside a configuration record, a log line or an error message
 * prints redacted; only {@link #reveal()} hands the value to the one place that needs it (the JDBC pool, the TLS
 * key store, the S3 request signer). {@link #scrub} takes it out of a text that came from elsewhere (a library's
 * error message).
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

    /** {@code text} with every occurrence of this secret replaced by {@code ***}. */
    public String scrub(String text) {
        return text == null || value.isEmpty() ? text : text.replace(value, REDACTED);
    }

    @Override
    public String toString() {
        return REDACTED;
    }
}
