package coffer.engine.vault;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.vault.Vault;

import java.io.IOException;

/**
 * The encryption a configuration declares for a vault ({@code encrypted} in the server's configuration) checked against
 * the vault's own config object when it is opened (docs/design/security.md, "What is protected"). Someone with the
 * storage but not the key can replace the config object by an unencrypted vault's: opened as it says, new points would
 * be written in plain text. The vault's own check ({@code Vault.refuseReplacedConfig}) looks at its points' objects and
 * so misses a config replaced after every point was removed; the declaration does not depend on what the storage holds.
 */
final class VaultEncryption {
    private VaultEncryption() {
    }

    /**
     * Returns {@code vault} when its config agrees with what {@code location} declares (or declares nothing); otherwise
     * closes it and throws {@code DataCorrupt} naming the vault, its location and the config object.
     */
    static Vault check(String name, LocalVaults.Location location, Vault vault) {
        Boolean declared = location.encrypted();
        boolean actual = vault.config().encrypted();
        if (declared == null || declared == actual) {
            return vault;
        }
        try {
            vault.close();
        } catch (IOException ignored) {
            // closing releases local resources only; the refusal below is what the caller needs
        }
        throw new CofferException(ErrorCode.DataCorrupt, declared
                ? "vault '" + name + "' is declared encrypted (encrypted: true), but the config object '" + Vault.CONFIG
                + "' in " + location.where() + " says it is not: the config was replaced by someone with the storage;"
                + " refused, or new points would be written unencrypted. Put the vault's own config back (from a copy of"
                + " the vault) before using it"
                : "vault '" + name + "' is declared unencrypted (encrypted: false), but the config object '" + Vault.CONFIG
                + "' in " + location.where() + " says it is encrypted: if the vault was created encrypted, say"
                + " encrypted: true in the configuration; otherwise the config was replaced by someone with the storage"
                + " and the vault's own config must be put back");
    }
}
