package coffer.engine.operation;

import java.util.List;

/** The server's vaults. {@code count} is the list's length. */
public record VaultList(List<VaultView> vaults, int count) {
    public VaultList {
        vaults = List.copyOf(vaults);
    }

    public static VaultList of(List<VaultView> vaults) {
        return new VaultList(vaults, vaults.size());
    }
}
