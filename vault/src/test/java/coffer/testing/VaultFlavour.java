package coffer.testing;

import coffer.vault.backend.Backend;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.backend.MemoryBackend;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.crypto.KeyService;
import coffer.vault.crypto.LocalKeyRing;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The kinds of vault a test runs against: memory, a local directory or a bucket of the test S3 server
 * ({@link S3Server}), encrypted or not. Use with {@code @EnumSource(VaultFlavour.class)} and a {@code @TempDir}.
 * Immutable.
 */
public enum VaultFlavour {
    MEMORY(Store.MEMORY, false),
    MEMORY_ENCRYPTED(Store.MEMORY, true),
    LOCAL(Store.LOCAL, false),
    LOCAL_ENCRYPTED(Store.LOCAL, true),
    S3(Store.S3, false),
    S3_ENCRYPTED(Store.S3, true);

    private enum Store { MEMORY, LOCAL, S3 }

    private final Store store;
    private final boolean encrypted;

    VaultFlavour(Store store, boolean encrypted) {
        this.store = store;
        this.encrypted = encrypted;
    }

    public boolean encrypted() {
        return encrypted;
    }

    /** A new, empty backend; a local one lives in {@code dir/vault}, an S3 one in a new bucket under {@code vault/}. */
    public Backend backend(Path dir) {
        return switch (store) {
            case MEMORY -> new MemoryBackend();
            case LOCAL -> new LocalDirectoryBackend(dir.resolve("vault"));
            case S3 -> S3Server.shared().newBackend("vault");
        };
    }

    /**
     * A backend on the same objects as {@code closed}, for a test that reopens a vault: memory and directory
     * backends hold nothing to release and work on after closing; an S3 backend's client does not.
     */
    public Backend reopen(Backend closed) {
        if (closed instanceof S3Backend s3) {
            try {
                return S3Backend.open(s3.location(), S3Server.shared().settings());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return closed;
    }

    /** The key ring {@code dir/keyring.json} when encrypted, else null. */
    public KeyService keys(Path dir) {
        return encrypted ? new LocalKeyRing(dir.resolve("keyring.json")) : null;
    }

    public TestVault create(Path dir) throws IOException {
        return TestVault.create(backend(dir), keys(dir));
    }
}
