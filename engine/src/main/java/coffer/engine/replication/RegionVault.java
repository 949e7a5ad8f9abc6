package coffer.engine.replication;

import coffer.vault.Vault;

/** An open vault, by its configured name, and the region it belongs to. Immutable (the vault is thread-safe). */
public record RegionVault(String region, String name, Vault vault) {
    @Override
    public String toString() {
        return "vault " + name + " of region " + region;
    }
}
