package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.operation.ListPoints;
import coffer.engine.operation.PointList;
import coffer.engine.operation.ListVaults;
import coffer.engine.operation.Operations;
import coffer.engine.operation.PointView;
import coffer.engine.operation.VaultView;
import coffer.engine.vault.VaultLocation;
import coffer.vault.PointListing;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.maintenance.PointDamage;

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
            Operations operations = new HttpOperations(client.get());
            String vaultName = servedName(operations, vaultPath);
            if (vaultName == null) {
                return List.of();
            }
            Set<String> known = new HashSet<>(listing.unfinished());
            listing.points().stream().map(PointManifest::id).forEach(known::add);
            listing.unreadable().forEach(u -> known.add(u.pointId()));
            listing.lost().forEach(l -> known.add(l.pointId()));
            List<PointDamage> missing = new ArrayList<>();
            List<PointView> listed = new ArrayList<>();
            ListPoints all = ListPoints.of(null);
            for (PointList page = operations.call(all); ; page = operations.call(all.next(page.nextCursor()))) {
                listed.addAll(page.points()); // every page of the server's list
                if (page.nextCursor() == null) {
                    break;
                }
            }
            for (PointView p : listed) {
                if (vaultName.equals(p.vault()) && !known.contains(p.id())) {
                    missing.add(new PointDamage(p.id(), Vault.manifestName(p.id()), "the server's catalog lists this point of "
                            + p.instanceName() + " (created " + Output.time(p.createdAt()) + ") in vault '" + vaultName
                            + "', and the vault holds nothing of it: the point is lost"));
                }
            }
            return missing;
        } catch (CofferException unreachable) {
            Cli.err().println("note: the server's catalog was not compared with the vault: " + unreachable.getMessage());
            return List.of();
        }
    }

    /** The name under which the server serves the vault in {@code vaultPath}, or null. */
    private static String servedName(Operations operations, Path vaultPath) {
        Path wanted = real(vaultPath);
        for (VaultView v : operations.call(new ListVaults()).vaults()) {
            if (v.path() != null && real(Path.of(v.path())).equals(wanted)) {
                return v.name();
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
