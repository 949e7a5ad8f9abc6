package coffer.testing;

import coffer.vault.backend.Backend;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.backend.MemoryBackend;
import coffer.vault.crypto.KeyService;
import coffer.vault.crypto.LocalKeyRing;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The kinds of vault a test runs against: memory or a local directory, encrypted or not. Use with
 * {@code @EnumSource(VaultFlavour.class)} and a {@code @TempDir}. Immutable.
 */
public enum VaultFlavour {
    MEMORY(false, false),
    MEMORY_ENCRYPTED(false, true),
    LOCAL(true, false),
    LOCAL_ENCRYPTED(true, true);

    private final boolean local;
    private final boolean encrypted;

    VaultFlavour(boolean local, boolean encrypted) {
        this.local = local;
        this.encrypted = encrypted;
    }

    public boolean encrypted() {
        return encrypted;
    }

    /** A new, empty backend; a local one lives in {@code dir/vault}. */
    public Backend backend(Path dir) {
        return local ? new LocalDirectoryBackend(dir.resolve("vault")) : new MemoryBackend();
    }

    /** The key ring {@code dir/keyring.json} when encrypted, else null. */
    public KeyService keys(Path dir) {
        return encrypted ? new LocalKeyRing(dir.resolve("keyring.json")) : null;
    }

    public TestVault create(Path dir) throws IOException {
        return TestVault.create(backend(dir), keys(dir));
    }
}
