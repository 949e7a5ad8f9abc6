package coffer.engine.vault;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.vault.Vault;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link VaultDirectory} of configured vaults (local directories or S3 buckets), each with its key ring,
 * opened on first use with {@link VaultOpener} and kept open until {@link #close}.
 *
 * <p>Thread-safe.
 */
public final class LocalVaults implements VaultDirectory, AutoCloseable {
    /** Where a vault lives, the key ring that opens it, and the region it belongs to. */
    public record Location(VaultLocation where, Path keyRing, String region) {
        public Location(VaultLocation where, Path keyRing) {
            this(where, keyRing, LOCAL_REGION);
        }

        public Location(Path directory, Path keyRing) {
            this(VaultLocation.directory(directory), keyRing);
        }
    }

    private final Map<String, Location> locations;
    private final String defaultName;
    private final Map<String, Vault> open = new ConcurrentHashMap<>();
    private final Clock clock;

    public LocalVaults(Map<String, Location> locations, String defaultName) {
        this(locations, defaultName, Clock.systemUTC());
    }

    /** Vaults whose holds are judged by {@code clock} (the server's clock, so catalog and vault agree on expiry). */
    public LocalVaults(Map<String, Location> locations, String defaultName, Clock clock) {
        this.clock = clock;
        if (!locations.containsKey(defaultName)) {
            throw new CofferException(ErrorCode.InvalidArgument, "the default vault '" + defaultName
                    + "' is not among the configured vaults " + new TreeSet<>(locations.keySet()));
        }
        this.locations = Map.copyOf(locations);
        this.defaultName = defaultName;
    }

    @Override
    public Set<String> names() {
        return locations.keySet();
    }

    @Override
    public String defaultName() {
        return defaultName;
    }

    @Override
    public String regionOf(String name) {
        return location(nameOr(name)).region();
    }

    @Override
    public Vault open(String name) {
        String key = nameOr(name);
        Location location = location(key);
        return open.computeIfAbsent(key, k -> new VaultOpener(location.keyRing(), clock).open(location.where()));
    }

    /** Opens the vault afresh (its config object read, its keys unwrapped) and closes it again; see the interface. */
    @Override
    public java.util.Optional<String> whyUnreachable(String name) {
        try {
            Location location = location(nameOr(name));
            try (Vault probe = new VaultOpener(location.keyRing(), clock).open(location.where())) {
                return java.util.Optional.empty();
            }
        } catch (CofferException e) {
            return java.util.Optional.of(e.code() + ": " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            CofferException classified = coffer.engine.error.Errors.classify(e);
            return java.util.Optional.of(classified.code() + ": " + classified.getMessage());
        }
    }

    private Location location(String name) {
        Location location = locations.get(name);
        if (location == null) {
            throw new CofferException(ErrorCode.NotAVault, "no vault named '" + name + "'; configured vaults: "
                    + new TreeSet<>(locations.keySet()));
        }
        return location;
    }

    @Override
    public void close() {
        for (Vault vault : open.values()) {
            try {
                vault.close();
            } catch (IOException ignored) {
                // closing releases local resources only; nothing to report to a caller that is stopping
            }
        }
        open.clear();
    }
}
