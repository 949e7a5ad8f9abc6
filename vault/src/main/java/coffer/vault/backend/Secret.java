package coffer.vault.backend;

import java.util.Objects;

/**
 * A secret value from the configuration (an S3 secret access key): printed, logged or serialized it reads
 * {@code "****"}; only {@link #reveal()} gives the value, for the one call that needs it. Immutable.
 */
public final class Secret {
    private static final String REDACTED = "****";
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "secret");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    public String reveal() {
        return value;
    }

    /** {@code text} with every occurrence of this secret replaced by {@code ****}. */
    public String scrub(String text) {
        return text == null || value.isEmpty() ? text : text.replace(value, REDACTED);
    }

    @Override
    public String toString() {
        return REDACTED;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
