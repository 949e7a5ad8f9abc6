package coffer.engine.vault;

import coffer.vault.Vault;

import java.util.Set;

/**
 * The vaults a server knows, by the names of its configuration. Vaults handed out are shared and stay open
 * until the directory closes: callers MUST NOT close them. Implementations MUST be thread-safe.
 */
public interface VaultDirectory {
    Set<String> names();

    /** The vault used when a request names none. */
    String defaultName();

    /** {@code name}, or the default vault's name when it is null. */
    default String nameOr(String name) {
        return name != null ? name : defaultName();
    }

    /**
     * The open vault called {@code name}; {@code null} means {@link #defaultName()}.
     *
     * @throws coffer.engine.error.CofferException NotAVault for a name that is not configured (naming the
     *                                             known ones), or the codes of opening it
     */
    Vault open(String name);

    /**
     * Why vault {@code name} cannot be opened now (its error code and message: a directory not mounted, a bucket not
     * answering with the vault's config object, a key ring missing), or empty when it can. Looked at afresh at each
     * call (a vault opened before and unmounted since is found so). The default opens it through {@link #open}.
     */
    default java.util.Optional<String> whyUnreachable(String name) {
        try {
            open(name);
            return java.util.Optional.empty();
        } catch (coffer.engine.error.CofferException e) {
            return java.util.Optional.of(e.code() + ": " + e.getMessage());
        }
    }

    /**
     * What was found when vault {@code name} was last opened or checked ({@link VaultState}); a directory that keeps no
     * such record says {@code unchecked}.
     */
    default VaultState state(String name) {
        return VaultState.NOT_CHECKED;
    }

    /**
     * The region vault {@code name} belongs to (docs/server.md, "regions"); a directory that knows no regions has all
     * its vaults in {@code local}.
     *
     * @throws coffer.engine.error.CofferException NotAVault for a name that is not configured
     */
    default String regionOf(String name) {
        if (!names().contains(nameOr(name))) {
            throw new coffer.engine.error.CofferException(coffer.engine.error.ErrorCode.NotAVault, "no vault named '"
                    + name + "'; configured vaults: " + new java.util.TreeSet<>(names()));
        }
        return LOCAL_REGION;
    }

    /** The region of a directory that knows no regions. */
    String LOCAL_REGION = "local";
}
