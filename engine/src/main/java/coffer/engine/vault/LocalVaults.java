package coffer.engine.vault;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.vault.Vault;
import coffer.vault.backend.FirstAnswer;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.backend.s3.StoreSilence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link VaultDirectory} of configured vaults (local directories or S3 buckets), each with its key ring,
 * opened on first use with {@link VaultOpener} and kept open until {@link #close}. An open S3 vault whose store stops
 * answering (a request in flight got no byte for {@code RequestWatch.SILENCE}) is recorded unanswered at once, as a look
 * that got no answer would record it, and available again at its store's next answer ({@link StoreSilence}).
 *
 * <p>Thread-safe.
 */
public final class LocalVaults implements VaultDirectory, AutoCloseable {
    /**
     * How long an opening's request may go without a byte before the store counts as not answering: a store that
     * accepts connections and sends nothing fails the opening after this, not after the stall limit of every attempt.
     */
    public static final Duration FIRST_ANSWER = Duration.ofSeconds(10);
    /**
     * The bound instead of {@link #FIRST_ANSWER} while the last look found the vault's store not answering at all: a job
     * then fails within it, and a store that answers again is used at once.
     */
    public static final Duration HUNG_PROBE = Duration.ofSeconds(3);
    /** What to do about a vault whose store does not answer, for messages. */
    static final String REMEDY = "; check that the store is running and reachable from this host (a stopped store"
            + " process or a firewall that drops packets accepts connections and answers nothing); the server looks at"
            + " the vault again and uses it once it answers (docs/server.md, \"Vaults that do not answer\")";
    /**
     * Where a vault lives, the key ring that opens it, the region it belongs to, and whether the configuration declares
     * it encrypted ({@code encrypted}; null: not declared, the vault opens as its config object says). A declared vault
     * whose config object says otherwise is refused when it is opened ({@link VaultEncryption#check}).
     */
    public record Location(VaultLocation where, Path keyRing, String region, Boolean encrypted) {
        public Location(VaultLocation where, Path keyRing, String region) {
            this(where, keyRing, region, null);
        }

        public Location(VaultLocation where, Path keyRing) {
            this(where, keyRing, LOCAL_REGION);
        }

        public Location(Path directory, Path keyRing) {
            this(VaultLocation.directory(directory), keyRing);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LocalVaults.class);

    private final Map<String, Location> locations;
    private final String defaultName;
    private final Map<String, Vault> open = new ConcurrentHashMap<>();
    private final Map<String, VaultState> states = new ConcurrentHashMap<>();
    /** Vaults whose creation could not be tried at start (their store did not answer): tried at their first opening. */
    private final Map<String, Runnable> deferredCreations = new ConcurrentHashMap<>();
    /** When a look at a vault found its store not answering at all (a hang), until a look finds it answering. */
    private final Map<String, Instant> unansweredAt = new ConcurrentHashMap<>();
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

    /**
     * The open vault, opened on first use; a vault whose creation was deferred is created first. What is found is kept
     * as the vault's {@link #state}. A vault whose storage does not answer fails with {@code StorageFailure} naming the
     * vault and its region before the storage's own message (its address, never a secret); it is tried again at the
     * next call, so a store that answers again is used again without a restart.
     *
     * <p>A store that accepts connections and answers nothing fails fast (docs/server.md, "Vaults that do not answer"):
     * an opening's request that gets no byte within {@link #FIRST_ANSWER} fails the opening then; while the last look
     * (a check, or an opening) found the store so, the bound is {@link #HUNG_PROBE}, and an open vault is asked for its
     * config object within that bound before it is handed out. A slow store that is moving bytes is not cut.
     */
    @Override
    public Vault open(String name) {
        return open(name, true);
    }

    /** As {@link #open(String)}; {@code probe} false: an open vault is handed out without a request (a check asks). */
    private Vault open(String name, boolean probe) {
        String key = nameOr(name);
        Location location = location(key);
        boolean hung = unansweredAt.containsKey(key);
        Vault vault = open.get(key);
        if (vault != null && !(probe && hung)) {
            return vault;
        }
        try (FirstAnswer first = FirstAnswer.within(hung ? HUNG_PROBE : FIRST_ANSWER)) {
            try {
                if (vault != null) {
                    stat(vault); // the last look found its store hung: ask it before a job waits on it
                } else {
                    vault = open.computeIfAbsent(key, k -> {
                        Runnable creation = deferredCreations.get(k);
                        if (creation != null) {
                            creation.run();
                            deferredCreations.remove(k);
                        }
                        return heard(k, VaultEncryption.check(k, location,
                                new VaultOpener(location.keyRing(), clock).open(location.where())));
                    });
                }
            } catch (CofferException e) {
                states.put(key, VaultState.unavailable(e.code() + ": " + e.getMessage(), clock.instant()));
                if (first.unanswered()) {
                    unansweredAt.put(key, clock.instant());
                }
                if (e.code() == ErrorCode.StorageFailure) {
                    throw new CofferException(ErrorCode.StorageFailure, "vault '" + key + "' of region "
                            + location.region() + " is unavailable: " + e.getMessage()
                            + (first.unanswered() ? REMEDY : ""), e);
                }
                throw e;
            }
        }
        answered(key);
        return vault;
    }

    /**
     * {@code vault}, whose store's silence (an S3 store that stopped answering a request in flight) is recorded at once:
     * its openings then wait at most {@link #HUNG_PROBE}, the API and metrics say it is unavailable; its next answer
     * makes it available again (docs/design/s3.md, "Cancel and stalls").
     */
    private Vault heard(String key, Vault vault) {
        if (vault.backend() instanceof S3Backend s3) {
            s3.listen(new StoreSilence() {
                @Override
                public void silent(String why) {
                    if (open.get(key) != vault) {
                        return; // closed
                    }
                    boolean was = state(key).isAvailable();
                    String problem = ErrorCode.StorageFailure + ": vault '" + key + "' of region "
                            + location(key).region() + " is unavailable: " + vault.backend().describe()
                            + " stopped answering: " + why + REMEDY;
                    recordUnanswered(key, problem);
                    if (was) {
                        LOG.warn("vault '{}' of region {} is unavailable: {}", key, location(key).region(), problem);
                    }
                }

                @Override
                public void answering() {
                    if (open.get(key) == vault && unansweredAt.containsKey(key)) {
                        answered(key);
                        LOG.info("vault '{}' of region {} is available again: its store answered", key,
                                location(key).region());
                    }
                }
            });
        }
        return vault;
    }

    private static void stat(Vault vault) {
        try {
            vault.backend().stat(Vault.CONFIG);
        } catch (IOException e) {
            throw coffer.engine.error.Errors.classify(e);
        }
    }

    private void answered(String key) {
        unansweredAt.remove(key);
        states.put(key, VaultState.available(clock.instant()));
    }

    /**
     * Creates vault {@code name} at its first opening instead of now ({@code creation} creates it when its location
     * holds no vault yet): the server's start could not reach its store (docs/server.md, "Vaults that do not answer").
     */
    public void deferCreation(String name, Runnable creation) {
        location(name);
        deferredCreations.put(name, creation);
    }

    /** Records what a check of vault {@code name} that could not run found (e.g. a store that refused). */
    public void recordUnavailable(String name, String problem) {
        location(name);
        states.put(name, VaultState.unavailable(problem, clock.instant()));
    }

    /**
     * Records that a look at vault {@code name} got no answer at all in time (a hang, not a refusal): until a look finds
     * it answering, its openings wait at most {@link #HUNG_PROBE} for it.
     */
    public void recordUnanswered(String name, String problem) {
        recordUnavailable(name, problem);
        unansweredAt.put(name, clock.instant());
    }

    /**
     * Whether vault {@code name} is open and its store answered a request of normal use (a job's, a check's) within
     * {@code within} and has not stopped answering since (no request of it went without a byte for the silence bound):
     * such use is as good as a look, and a check need not ask the store (an S3 vault only; a directory's look costs
     * nothing). When so, the vault is recorded available.
     */
    public boolean answeredWithin(String name, Duration within) {
        String key = nameOr(name);
        location(key);
        Vault vault = open.get(key);
        if (vault == null || !(vault.backend() instanceof S3Backend s3)) {
            return false;
        }
        boolean recent = !s3.silent() && s3.sinceLastAnswer().map(since -> since.compareTo(within) <= 0).orElse(false);
        if (recent) {
            answered(key);
        }
        return recent;
    }

    /**
     * Looks at vault {@code name} now: an open vault's config object is asked for (one request), a vault not open yet is
     * opened (created first when its creation was deferred). Returns and keeps what was found. May block as long as the
     * storage does; interrupting the calling thread ends the wait (an S3 request is aborted).
     */
    public VaultState check(String name) {
        String key = nameOr(name);
        location(key);
        Vault vault = open.get(key);
        if (vault == null) {
            try {
                open(key, false);
            } catch (CofferException e) {
                // recorded by open
            }
            return state(key);
        }
        VaultState found;
        try {
            found = vault.backend().stat(Vault.CONFIG).isPresent() ? VaultState.available(clock.instant())
                    : VaultState.unavailable(ErrorCode.NotAVault + ": the vault's config object is gone from "
                    + location(key).where(), clock.instant());
        } catch (IOException | RuntimeException e) {
            CofferException classified = coffer.engine.error.Errors.classify(e);
            found = VaultState.unavailable(classified.code() + ": " + classified.getMessage(), clock.instant());
        }
        if (found.isAvailable()) {
            unansweredAt.remove(key);
        }
        states.put(key, found);
        return found;
    }

    /** Where vault {@code name} lives (a directory, or a bucket with the settings to reach its store). */
    public VaultLocation locationOf(String name) {
        return location(nameOr(name)).where();
    }

    @Override
    public VaultState state(String name) {
        String key = nameOr(name);
        location(key);
        return states.getOrDefault(key, VaultState.NOT_CHECKED);
    }

    /** Opens the vault afresh (its config object read, its keys unwrapped) and closes it again; see the interface. */
    @Override
    public java.util.Optional<String> whyUnreachable(String name) {
        try {
            Location location = location(nameOr(name));
            try (Vault probe = VaultEncryption.check(nameOr(name), location,
                    new VaultOpener(location.keyRing(), clock).open(location.where()))) {
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
