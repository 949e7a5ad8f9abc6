package coffer.engine.vault;

import java.time.Instant;

/**
 * What the server found when it last used or checked a vault (docs/server.md, "Vaults that do not answer"):
 * {@code available}, or {@code unavailable} with the problem (its error code and message: the store's address, never
 * a secret), or {@code unchecked} before the first look. Immutable.
 *
 * @param state     {@code available}, {@code unavailable} or {@code unchecked}
 * @param problem   why it is unavailable ({@code StorageFailure: cannot … in s3://bucket/prefix at http://host:port:
 *                  Connection refused}); null otherwise
 * @param checkedAt when that was found; null when unchecked
 */
public record VaultState(String state, String problem, Instant checkedAt) {
    public static final String AVAILABLE = "available";
    public static final String UNAVAILABLE = "unavailable";
    public static final String UNCHECKED = "unchecked";
    public static final VaultState NOT_CHECKED = new VaultState(UNCHECKED, null, null);

    public static VaultState available(Instant at) {
        return new VaultState(AVAILABLE, null, at);
    }

    public static VaultState unavailable(String problem, Instant at) {
        return new VaultState(UNAVAILABLE, problem, at);
    }

    public boolean isAvailable() {
        return AVAILABLE.equals(state);
    }
}
