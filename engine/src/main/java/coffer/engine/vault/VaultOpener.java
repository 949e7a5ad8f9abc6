package coffer.engine.vault;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.vault.format.VaultConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens and creates vaults named by a location (for now a local directory) with the local key ring.
 * Stateless; thread-safe.
 */
public final class VaultOpener {
    /** 512 KiB: see docs/performance.md ("chunk size") for the measurement behind it. */
    public static final int DEFAULT_CHUNK_SIZE = 512 * 1024;

    private final Path keyRing;

    public VaultOpener(Path keyRing) {
        this.keyRing = keyRing;
    }

    public Path keyRing() {
        return keyRing;
    }

    public Vault open(Path location) {
        if (!Files.isDirectory(location)) {
            throw new CofferException(ErrorCode.NotAVault, location + " is not a vault: "
                    + (Files.exists(location) ? "not a directory" : "no such directory")
                    + "; create one with 'coffer vault init " + location + "'");
        }
        try {
            return Vault.open(new LocalDirectoryBackend(location), new LocalKeyRing(keyRing));
        } catch (IOException e) {
            throw Errors.classify(e);
        }
    }

    /** Creates a vault in a new or empty directory, compressing at the default level. */
    public Vault create(Path location, int chunkSize, boolean encrypted) {
        return create(location, chunkSize, VaultConfig.DEFAULT_COMPRESSION_LEVEL, encrypted);
    }

    /** Creates a vault in a new or empty directory whose chunks are compressed at zstd level {@code compressionLevel}. */
    public Vault create(Path location, int chunkSize, int compressionLevel, boolean encrypted) {
        String problem = VaultConfig.checkChunkSize(chunkSize);
        if (problem == null) {
            problem = VaultConfig.checkCompressionLevel(compressionLevel);
        }
        if (problem != null) {
            throw new CofferException(ErrorCode.InvalidArgument, problem);
        }
        try {
            if (Files.exists(location) && !Files.isDirectory(location)) {
                throw new CofferException(ErrorCode.InvalidArgument, location + " exists and is not a directory");
            }
            if (Files.isDirectory(location)) {
                try (var entries = Files.list(location)) {
                    if (entries.findAny().isPresent()) {
                        throw new CofferException(Files.exists(location.resolve(Vault.CONFIG)) ? ErrorCode.VaultExists
                                : ErrorCode.InvalidArgument, location + (Files.exists(location.resolve(Vault.CONFIG))
                                ? " already holds a vault" : " is not empty; a vault needs an empty directory"));
                    }
                }
            }
            Files.createDirectories(location);
            return Vault.create(new LocalDirectoryBackend(location), chunkSize, compressionLevel,
                    encrypted ? new LocalKeyRing(keyRing) : null);
        } catch (IOException e) {
            throw Errors.classify(e);
        }
    }
}
