package coffer.server;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.vault.LocalVaults;
import coffer.engine.vault.VaultOpener;
import coffer.server.config.ServerConfig;
import coffer.vault.Vault;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The configured vaults: each created on the first start when its directory is absent or empty. */
final class ServerVaults {
    private ServerVaults() {
    }

    static LocalVaults openOrCreate(List<ServerConfig.VaultEntry> entries) {
        Map<String, LocalVaults.Location> locations = new LinkedHashMap<>();
        for (ServerConfig.VaultEntry entry : entries) {
            if (isEmpty(entry)) {
                try (Vault created = new VaultOpener(entry.keyring()).create(entry.path(), VaultOpener.DEFAULT_CHUNK_SIZE,
                        entry.encrypted())) {
                    org.slf4j.LoggerFactory.getLogger(ServerVaults.class).info("created {} vault '{}' in {}",
                            entry.encrypted() ? "an encrypted" : "an unencrypted", entry.name(), entry.path());
                } catch (IOException e) {
                    throw new CofferException(ErrorCode.StorageFailure, "cannot create vault '" + entry.name() + "' in "
                            + entry.path() + ": " + e.getMessage(), e);
                }
            }
            locations.put(entry.name(), new LocalVaults.Location(entry.path(), entry.keyring()));
        }
        return new LocalVaults(locations, entries.getFirst().name());
    }

    private static boolean isEmpty(ServerConfig.VaultEntry entry) {
        if (!Files.isDirectory(entry.path())) {
            return true;
        }
        try (var children = Files.list(entry.path())) {
            return children.findAny().isEmpty();
        } catch (IOException e) {
            throw new CofferException(ErrorCode.StorageFailure, "cannot read vault directory " + entry.path() + ": " + e, e);
        }
    }
}
