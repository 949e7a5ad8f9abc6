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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configured vaults: each created on the first start when its directory is absent or empty, or its bucket
 * (or prefix) holds no vault yet (the bucket is created when absent); an S3 vault whose store does not answer is
 * created when it does.
 */
final class ServerVaults {
    /**
     * How long a start waits for the S3 vaults' stores, all of them together, before it counts the ones that did not
     * answer unavailable and goes on.
     */
    static final Duration START_PATIENCE = Duration.ofSeconds(10);
    /** How many S3 vaults' stores a start asks at once; the ones left when the patience is spent are looked at later. */
    static final int START_PARALLEL = 16;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServerVaults.class);

    private ServerVaults() {
    }

    static LocalVaults openOrCreate(List<ServerConfig.VaultEntry> entries, Clock clock) {
        return openOrCreate(entries, clock, START_PATIENCE, new Bounded());
    }

    /**
     * As {@link #openOrCreate(List, Clock)}, waiting at most {@code patience} for the S3 vaults' stores, asked in
     * parallel ({@link #START_PARALLEL} at once, through {@code looks}), so a start waits about {@code patience} however
     * many vaults do not answer; a vault not asked when the patience is spent stays {@code unchecked}, its creation
     * deferred to its first look (the server's first check, right after the start). A vault in a
     * store that does not answer (refused, timed out, not within {@code patience}) does not stop the start: it is logged
     * with the error code and the store's address, its creation (when its prefix turns out to hold none) is deferred to
     * its first opening, and it is {@code unavailable} until it answers (docs/server.md, "Vaults that do not answer"). A
     * directory that cannot be created, and a bucket prefix that holds something else, still stop the start: those are
     * the configuration's mistakes, not an outage.
     */
    static LocalVaults openOrCreate(List<ServerConfig.VaultEntry> entries, Clock clock, Duration patience,
                                    Bounded looks) {
        Map<String, LocalVaults.Location> locations = new LinkedHashMap<>();
        for (ServerConfig.VaultEntry entry : entries) {
            locations.put(entry.name(), new LocalVaults.Location(entry.location(), entry.keyring(), entry.region(),
                    entry.encrypted()));
        }
        LocalVaults vaults = new LocalVaults(locations, entries.getFirst().name(), clock);
        List<ServerConfig.VaultEntry> buckets = new ArrayList<>();
        for (ServerConfig.VaultEntry entry : entries) {
            if (entry.location() instanceof VaultLocation.Bucket) {
                buckets.add(entry);
            } else {
                createIfEmpty(entry);
            }
        }
        long deadline = System.nanoTime() + patience.toNanos();
        for (int from = 0; from < buckets.size(); from += START_PARALLEL) {
            List<ServerConfig.VaultEntry> wave = buckets.subList(from, Math.min(buckets.size(), from + START_PARALLEL));
            if (System.nanoTime() - deadline >= 0) {
                for (ServerConfig.VaultEntry entry : wave) {
                    LOG.warn("vault '{}' of region {} was not looked at within the start's {} s (other stores did not"
                            + " answer); the server looks at it right after the start", entry.name(), entry.region(),
                            patience.toSeconds());
                    vaults.deferCreation(entry.name(), () -> createIfEmpty(entry));
                }
                continue;
            }
            List<Bounded.Call<Object>> asked = new ArrayList<>();
            for (ServerConfig.VaultEntry entry : wave) {
                asked.add(looks.start(entry.name(), () -> {
                    createIfEmpty(entry);
                    return null;
                }, "the store of vault '" + entry.name() + "' (" + where(entry.location()) + ")", deadline));
            }
            for (int i = 0; i < wave.size(); i++) {
                ServerConfig.VaultEntry entry = wave.get(i);
                try {
                    looks.await(asked.get(i), deadline, patience);
                } catch (CofferException e) {
                    if (e.code() != ErrorCode.StorageFailure) {
                        throw e;
                    }
                    String problem = e.code() + ": " + e.getMessage();
                    LOG.warn("vault '{}' of region {} is unavailable at start, {}; the server starts without it: jobs"
                            + " that need it fail until its store answers, and it is used again then", entry.name(),
                            entry.region(), problem);
                    if (e.getMessage().contains(" did not answer within ")) {
                        vaults.recordUnanswered(entry.name(), problem);
                    } else {
                        vaults.recordUnavailable(entry.name(), problem);
                    }
                    vaults.deferCreation(entry.name(), () -> createIfEmpty(entry));
                }
            }
        }
        return vaults;
    }

    /** A vault's location for messages: a directory, or {@code s3://bucket/prefix at <endpoint>} (never a credential). */
    static String where(VaultLocation location) {
        return location instanceof VaultLocation.Bucket(var bucket, var settings)
                ? bucket + " at " + (settings.endpoint() != null ? settings.endpoint().toString() : "AWS " + settings.region())
                : location.toString();
    }

    /** Creates the entry's vault when its directory is absent or empty, or its bucket (or prefix) holds no vault yet. */
    private static void createIfEmpty(ServerConfig.VaultEntry entry) {
        if (isEmpty(entry)) {
            try (Vault created = new VaultOpener(entry.keyring()).create(entry.location(), VaultOpener.DEFAULT_CHUNK_SIZE,
                    entry.encrypted())) {
                LOG.info("created {} vault '{}' in {}", entry.encrypted() ? "an encrypted" : "an unencrypted",
                        entry.name(), entry.location());
            } catch (IOException e) {
                throw new CofferException(ErrorCode.StorageFailure, "cannot create vault '" + entry.name() + "' in "
                        + entry.location() + ": " + e.getMessage(), e);
            }
        }
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
