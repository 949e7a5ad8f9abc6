package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.vault.VaultLocation;
import coffer.vault.PointListing;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.maintenance.PointDamage;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * For {@code vault verify}: the points the server's catalog lists in this vault of which the vault holds no
 * trace (no manifest, no index, no marker): a point lost whole, which the vault alone cannot notice (for example
 * when all of {@code points/} was removed). Only when a server is configured and serves this vault (same
 * directory; S3 vaults are not compared); a server that does not answer is named on standard error and the
 * vault's own check stands.
 *
 * <p>Stateless.
 */
final class CatalogCrossCheck {
    private CatalogCrossCheck() {
    }

    static List<PointDamage> missingFromVault(ServerOption server, VaultLocation location, PointListing listing) {
        Optional<ApiClient> client = server.client();
        if (client.isEmpty() || !(location instanceof VaultLocation.Directory(Path vaultPath))) {
            return List.of(); // a server's S3 vault is named by its bucket, not compared here
        }
        try {
            String vaultName = servedName(client.get(), vaultPath);
            if (vaultName == null) {
                return List.of();
            }
            Set<String> known = new HashSet<>(listing.unfinished());
            listing.points().stream().map(PointManifest::id).forEach(known::add);
            listing.unreadable().forEach(u -> known.add(u.pointId()));
            listing.lost().forEach(l -> known.add(l.pointId()));
            List<PointDamage> missing = new ArrayList<>();
            for (JsonNode p : client.get().get("/api/v1/points").path("points")) {
                String id = p.path("id").asText();
                if (vaultName.equals(p.path("vault").asText()) && !known.contains(id)) {
                    missing.add(new PointDamage(id, Vault.manifestName(id), "the server's catalog lists this point of "
                            + p.path("instanceName").asText() + " (created " + p.path("createdAt").asText() + ") in vault '"
                            + vaultName + "', and the vault holds nothing of it: the point is lost"));
                }
            }
            return missing;
        } catch (CofferException unreachable) {
            Cli.err().println("note: the server's catalog was not compared with the vault: " + unreachable.getMessage());
            return List.of();
        }
    }

    /** The name under which the server serves the vault in {@code vaultPath}, or null. */
    private static String servedName(ApiClient client, Path vaultPath) {
        Path wanted = real(vaultPath);
        for (JsonNode v : client.get("/api/v1/vaults").path("vaults")) {
            if (real(Path.of(v.path("path").asText())).equals(wanted)) {
                return v.path("name").asText();
            }
        }
        return null;
    }

    private static Path real(Path path) {
        try {
            return Files.exists(path) ? path.toRealPath() : path.toAbsolutePath().normalize();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
