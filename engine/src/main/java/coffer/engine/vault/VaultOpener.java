package coffer.engine.vault;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.vault.Vault;
import coffer.vault.backend.Backend;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.vault.format.Compression;
import coffer.vault.format.VaultConfig;
import coffer.vault.fs.OwnerOnly;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Opens and creates vaults named by a {@link VaultLocation} (a local directory or an S3 bucket) with the local
 * key ring. Stateless; thread-safe.
 */
public final class VaultOpener {
    /** 512 KiB: see docs/performance.md ("chunk size") for the measurement behind it. */
    public static final int DEFAULT_CHUNK_SIZE = 512 * 1024;

    private final Path keyRing;
    private final Clock clock;

    public VaultOpener(Path keyRing) {
        this(keyRing, Clock.systemUTC());
    }

    /** Opens vaults whose holds are judged by {@code clock} (the server's). */
    public VaultOpener(Path keyRing, Clock clock) {
        this.keyRing = keyRing;
        this.clock = clock;
    }

    public Path keyRing() {
        return keyRing;
    }

    public Vault open(Path location) {
        return open(VaultLocation.directory(location));
    }

    public Vault open(VaultLocation location) {
        if (location instanceof VaultLocation.Directory(Path path) && !Files.isDirectory(path)) {
            throw new CofferException(ErrorCode.NotAVault, path + " is not a vault: "
                    + (Files.exists(path) ? "not a directory" : "no such directory")
                    + "; create one with 'coffer vault init " + path + "'");
        }
        Backend backend = null;
        try {
            backend = location.backend();
            return Vault.open(backend, new LocalKeyRing(keyRing), clock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(backend, e);
            throw Errors.classify(e);
        }
    }

    /** Creates a vault in a new or empty directory, compressing at the default level. */
    public Vault create(Path location, int chunkSize, boolean encrypted) {
        return create(VaultLocation.directory(location), chunkSize, VaultConfig.DEFAULT_COMPRESSION_LEVEL, encrypted);
    }

    /** Creates a vault in a new or empty directory, or in an S3 bucket (created when absent) under an empty prefix. */
    public Vault create(VaultLocation location, int chunkSize, boolean encrypted) {
        return create(location, chunkSize, VaultConfig.DEFAULT_COMPRESSION_LEVEL, encrypted);
    }

    /** As {@link #create(VaultLocation, int, boolean)}, chunks compressed at zstd level {@code compressionLevel}. */
    public Vault create(VaultLocation location, int chunkSize, int compressionLevel, boolean encrypted) {
        return create(location, chunkSize, Compression.ZSTD, compressionLevel, encrypted);
    }

    /**
     * As {@link #create(VaultLocation, int, boolean)}, chunks compressed with {@code compression} (docs/format/config.md;
     * {@code compressionLevel}: zstd's level, 1 for LZ4).
     */
    public Vault create(VaultLocation location, int chunkSize, Compression compression, int compressionLevel,
                        boolean encrypted) {
        String problem = VaultConfig.checkChunkSize(chunkSize);
        if (problem == null) {
            problem = VaultConfig.checkCompression(compression, compressionLevel);
        }
        if (problem != null) {
            throw new CofferException(ErrorCode.InvalidArgument, problem);
        }
        Backend backend = null;
        try {
            if (location instanceof VaultLocation.Directory(Path path)) {
                prepareDirectory(path);
            }
            backend = location.backend();
            if (backend instanceof S3Backend s3) {
                s3.createBucketIfAbsent();
            }
            if (backend.exists(Vault.CONFIG)) {
                throw new CofferException(ErrorCode.VaultExists, location + " already holds a vault");
            }
            if (!backend.list("").isEmpty()) {
                throw new CofferException(ErrorCode.InvalidArgument, location + " is not empty; a vault needs an empty "
                        + (location instanceof VaultLocation.Directory ? "directory" : "bucket or prefix"));
            }
            return Vault.create(backend, chunkSize, compression, compressionLevel, encrypted ? new LocalKeyRing(keyRing) : null);
        } catch (IOException | RuntimeException e) {
            closeQuietly(backend, e);
            throw Errors.classify(e);
        }
    }

    private static void prepareDirectory(Path location) throws IOException {
        if (Files.exists(location) && !Files.isDirectory(location)) {
            throw new CofferException(ErrorCode.InvalidArgument, location + " exists and is not a directory");
        }
        OwnerOnly.createDirectories(location);
    }

    private static void closeQuietly(Backend backend, Exception failure) {
        if (backend != null) {
            try {
                backend.close();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
