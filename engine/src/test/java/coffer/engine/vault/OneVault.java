package coffer.engine.vault;

import coffer.vault.Vault;

import java.util.Set;

/** A {@link VaultDirectory} of one open vault, called {@code name}, for tests of use cases. Immutable; thread-safe. */
public record OneVault(String name, Vault vault) implements VaultDirectory {
    /** The vault called "main". */
    public OneVault(Vault vault) {
        this("main", vault);
    }

    @Override
    public Set<String> names() {
        return Set.of(name);
    }

    @Override
    public String defaultName() {
        return name;
    }

    @Override
    public Vault open(String requested) {
        return vault;
    }
}
