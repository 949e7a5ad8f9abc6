package coffer.engine.operation;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A vault of the server: its name, where it is (a directory or a bucket), whether it is encrypted, whether it is the
 * default, its region, and what the server found when it last opened or checked it ({@code state}: {@code available},
 * {@code unavailable} with the {@code problem}, or {@code unchecked}; {@code checkedAt}: when; docs/server.md, "Vaults
 * that do not answer").
 */
public record VaultView(String name, String path, boolean encrypted, @JsonProperty("default") boolean isDefault,
                        String region, String state, String problem, java.time.Instant checkedAt) {
    /** A vault not looked at yet. */
    public VaultView(String name, String path, boolean encrypted, boolean isDefault, String region) {
        this(name, path, encrypted, isDefault, region, coffer.engine.vault.VaultState.UNCHECKED, null, null);
    }

    /** This vault with what was last found of it. */
    public VaultView with(coffer.engine.vault.VaultState found) {
        return new VaultView(name, path, encrypted, isDefault, region, found.state(), found.problem(), found.checkedAt());
    }
}
