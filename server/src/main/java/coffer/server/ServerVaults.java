package coffer.server;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.engine.vault.LocalVaults;
import coffer.engine.vault.VaultLocation;
import coffer.vault.backend.Backend;
import coffer.engine.vault.VaultOpener;
import coffer.server.config.ServerConfig;
import coffer.vault.Vault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configured vaults: each created on the first start when its directory is absent or empty, or its bucket
 * (or prefix) holds no vault yet (the bucket is created when absent).
 */
final class ServerVaults {
    private ServerVaults() {
    }

    static LocalVaults openOrCreate(List<ServerConfig.VaultEntry> entries, Clock clock) {
        Map<String, LocalVaults.Location> locations = new LinkedHashMap<>();
        for (ServerConfig.VaultEntry entry : entries) {
            if (isEmpty(entry)) {
                try (Vault created = new VaultOpener(entry.keyring()).create(entry.location(), VaultOpener.DEFAULT_CHUNK_SIZE,
                        entry.encrypted())) {
                    org.slf4j.LoggerFactory.getLogger(ServerVaults.class).info("created {} vault '{}' in {}",
                            entry.encrypted() ? "an encrypted" : "an unencrypted", entry.name(), entry.location());
                } catch (IOException e) {
                    throw new CofferException(ErrorCode.StorageFailure, "cannot create vault '" + entry.name() + "' in "
                            + entry.location() + ": " + e.getMessage(), e);
                }
            }
            locations.put(entry.name(), new LocalVaults.Location(entry.location(), entry.keyring(), entry.region()));
        }
        return new LocalVaults(locations, entries.getFirst().name(), clock);
    }

    private static boolean isEmpty(ServerConfig.VaultEntry entry) {
        return switch (entry.location()) {
            case VaultLocation.Directory(Path path) -> isEmptyDirectory(path);
            case VaultLocation.Bucket bucket -> {
                try (Backend backend = bucket.backend()) {
                    yield !backend.exists(Vault.CONFIG); // a missing bucket is created, a non-empty prefix refused
                } catch (IOException e) {
                    throw Errors.classify(e);
                }
            }
        };
    }

    private static boolean isEmptyDirectory(Path path) {
        if (!Files.isDirectory(path)) {
            return true;
        }
        try (var children = Files.list(path)) {
            return children.findAny().isEmpty();
        } catch (IOException e) {
            throw new CofferException(ErrorCode.StorageFailure, "cannot read vault directory " + path + ": " + e, e);
        }
    }
}
