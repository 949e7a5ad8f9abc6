package coffer.vault;

import coffer.vault.backend.Backend;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.backend.ObjectNotFoundException;
import coffer.vault.crypto.ChunkDigester;
import coffer.vault.crypto.KeyService;
import coffer.vault.crypto.SubKeys;
import coffer.vault.crypto.WrappedKey;
import coffer.vault.format.ChunkPatch;
import coffer.vault.format.FixedIndex;
import coffer.vault.format.Json;
import coffer.vault.format.Compression;
import coffer.vault.format.ObjectCodec;
import coffer.vault.format.ObjectKind;
import coffer.vault.format.PointHold;
import coffer.vault.format.VaultConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * An open vault: its parameters, keys and objects. Reading and writing points goes through
 * {@link coffer.vault.write.PointWriter} and {@link coffer.vault.read.DiskRestorer}; maintenance through
 * {@code coffer.vault.maintenance}.
 *
 * <p>Object names: {@code config}; {@code chunks/xx/<id>}; {@code points/<point id>/manifest},
 * {@code points/<point id>/disk-<n>.fidx}, {@code points/<point id>/hold} and, while it is written or deleted,
 * {@code points/<point id>/unfinished}; {@code locks/<kind>-<id>}.
 *
 * <p>Immutability is a property of the vault, not only of a catalog: a point committed immutable (its manifest's
 * {@code immutableUntil}, extended by its hold object) cannot be deleted through the vault before then, and gc
 * keeps the objects of a held point even if its manifest is gone (docs/format/hold.md).
 *
 * <p>Thread-safe: immutable after opening; the backend, codec and digester are thread-safe.
 */
public final class Vault implements AutoCloseable {
    public static final String CONFIG = "config";
    public static final String POINTS = "points/";
    public static final String CHUNKS = "chunks/";
    /** Where {@code vault verify --quarantine} moves damaged chunks ({@code damaged/chunks/…}); never read back. */
    public static final String DAMAGED = "damaged/";
    /** The level objects outside chunks are sealed at (the config itself, before any level is known). */
    private static final int COMPRESSION_LEVEL = VaultConfig.DEFAULT_COMPRESSION_LEVEL;
    /** An immutability that never ends ("never expires"): the latest instant the formats write. */
    public static final Instant FOREVER = Instant.parse("9999-12-31T23:59:59Z");

    private final Backend backend;
    private final VaultConfig config;
    private final ObjectCodec codec;
    private final ChunkDigester digester;
    private final VaultLocks locks;
    private final PointLeases leases;
    private final PointClaims claims;
    /** This process's lock objects, claims and leases of the vault whose removal failed (docs/design/locking.md). */
    private final LeftBehind leftBehind;
    private final Clock clock;

    private Vault(Backend backend, VaultConfig config, SubKeys keys, Clock clock) {
        this.backend = backend;
        this.clock = clock;
        this.config = config;
        this.codec = new ObjectCodec(keys == null ? null : keys.object(), config.codec(), config.compressionLevel());
        this.digester = keys == null ? ChunkDigester.sha256() : ChunkDigester.hmacSha256(keys.chunkId());
        this.leftBehind = new LeftBehind(backend); // one per vault opened: locks, leases and claims share it
        LockPurpose purposes = new LockPurpose(codec); // sealed in an encrypted vault (docs/format/lock.md)
        this.locks = new VaultLocks(backend, leftBehind, purposes);
        this.leases = new PointLeases(backend, leftBehind, this::deletionUnderway, purposes);
        this.claims = new PointClaims(backend, leftBehind, purposes);
    }

    /** Creates a vault in an empty location. With {@code keys} non-null, encrypted under a new key of it. */
    public static Vault create(Backend backend, int chunkSize, KeyService keys) throws IOException {
        return create(backend, chunkSize, VaultConfig.DEFAULT_COMPRESSION_LEVEL, keys);
    }

    /** Creates a vault whose chunks are compressed at zstd level {@code compressionLevel}. */
    public static Vault create(Backend backend, int chunkSize, int compressionLevel, KeyService keys) throws IOException {
        return create(backend, chunkSize, Compression.ZSTD, compressionLevel, keys);
    }

    /**
     * Creates a vault whose chunks are compressed with {@code compression} ({@code compressionLevel}: zstd's level, 1 for
     * LZ4). A zstd vault's config is version 1, an LZ4 vault's version 2 (docs/format/config.md).
     */
    public static Vault create(Backend backend, int chunkSize, Compression compression, int compressionLevel,
                               KeyService keys) throws IOException {
        String problem = VaultConfig.checkChunkSize(chunkSize);
        if (problem == null) {
            problem = VaultConfig.checkCompression(compression, compressionLevel);
        }
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (backend.exists(CONFIG)) {
            throw new IllegalArgumentException("a vault already exists in " + backend.describe());
        }
        if (!backend.list("").isEmpty()) {
            throw new IllegalArgumentException(backend.describe() + " is not empty; a vault needs an empty location");
        }
        String vaultId = UUID.randomUUID().toString();
        VaultConfig.Encryption encryption = null;
        SubKeys subKeys = null;
        if (keys != null) {
            byte[] dataKey = new byte[32];
            new SecureRandom().nextBytes(dataKey);
            String keyId = keys.createKey();
            WrappedKey wrapped = keys.wrap(keyId, dataKey, wrapContext(vaultId));
            encryption = new VaultConfig.Encryption("aes-256-gcm", "hkdf-sha256", keys.name(), keyId,
                    Base64.getEncoder().encodeToString(wrapped.blob()));
            subKeys = SubKeys.derive(dataKey, vaultId);
        }
        VaultConfig config = new VaultConfig(VaultConfig.FORMAT, compression.configVersion(), vaultId, Instant.now(),
                chunkSize, keys == null ? "sha256" : "hmac-sha256", compression.configName(), compressionLevel, encryption);
        byte[] body = Json.MAPPER.writeValueAsBytes(config);
        ByteBuffer sealed = new ObjectCodec(null, COMPRESSION_LEVEL).seal(ObjectKind.CONFIG, CONFIG, body, body.length, false);
        if (!backend.putIfAbsent(CONFIG, sealed)) {
            throw new IllegalArgumentException("a vault already exists in " + backend.describe());
        }
        backend.sync();
        return new Vault(backend, config, subKeys, Clock.systemUTC());
    }

    /** Opens an existing vault; {@code keys} may be null for an unencrypted one. Holds are judged by the system clock. */
    public static Vault open(Backend backend, KeyService keys) throws IOException {
        return open(backend, keys, Clock.systemUTC());
    }

    /**
     * Opens an existing vault whose holds (immutability) are judged by {@code clock}: the server passes its own
     * clock, so the catalog and the vault agree on when a point expires.
     */
    public static Vault open(Backend backend, KeyService keys, Clock clock) throws IOException {
        ByteBuffer stored;
        try {
            stored = backend.get(CONFIG);
        } catch (ObjectNotFoundException e) {
            throw new NotAVaultException(backend.describe() + " is not a Coffer vault (no config object); create one with 'coffer vault init'");
        }
        VaultConfig config;
        try {
            byte[] body = new ObjectCodec(null, COMPRESSION_LEVEL).open(ObjectKind.CONFIG, CONFIG, stored);
            config = VaultConfig.read(body);
        } catch (CorruptDataException e) {
            if (e.check().startsWith("bad magic")) {
                throw new NotAVaultException(backend.describe() + " is not a Coffer vault (its config object is not a Coffer object)");
            }
            throw e;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new CorruptDataException(CONFIG, "unreadable vault config: " + e.getOriginalMessage(), e);
        }
        if (!VaultConfig.FORMAT.equals(config.format())) {
            throw new NotAVaultException(backend.describe() + " is not a Coffer vault (config format '" + config.format() + "')");
        }
        if (config.version() > VaultConfig.VERSION || config.version() < 1) {
            throw new UnsupportedFormatException(CONFIG, "vault config", config.version(), VaultConfig.VERSION);
        }
        if (VaultConfig.checkChunkSize(config.chunkSize()) != null) {
            throw new CorruptDataException(CONFIG, VaultConfig.checkChunkSize(config.chunkSize()));
        }
        Compression codec = config.codec();
        if (codec == null || codec.configVersion() > config.version()) {
            // version 1 knew only zstd (and did not check the field): a version 1 config naming another codec was not
            // written by Coffer
            throw new CorruptDataException(CONFIG, "config version " + config.version() + " names an unknown compression '"
                    + config.compression() + "'");
        }
        if (VaultConfig.checkCompression(codec, config.compressionLevel()) != null) {
            throw new CorruptDataException(CONFIG, VaultConfig.checkCompression(codec, config.compressionLevel()));
        }
        if (!config.encrypted() && keys != null) {
            refuseReplacedConfig(backend);
        }
        SubKeys subKeys = null;
        if (config.encrypted()) {
            if (keys == null) {
                throw new KeyUnavailableException("the vault in " + backend.describe() + " is encrypted; a key service is needed");
            }
            VaultConfig.Encryption e = config.encryption();
            byte[] dataKey = keys.unwrap(new WrappedKey(e.keyService(), e.keyId(), Base64.getDecoder().decode(e.wrappedKey())),
                    wrapContext(config.vaultId()));
            subKeys = SubKeys.derive(dataKey, config.vaultId());
        }
        return new Vault(backend, config, subKeys, clock);
    }

    /**
     * A config that says the vault is not encrypted, opened by a caller that has a key service (the CLI and the server
     * always do), while the newest point's objects are encrypted: the config was replaced by someone with the storage
     * but not the key (docs/design/security.md). Opened as it says, the vault would list every point as damaged and
     * write new points in plain text, their chunks named by plain SHA-256; refused instead, naming the object. Costs a
     * listing of the point ids, one of the newest point's objects and a read of one of them, only for unencrypted vaults
     * opened with a key service. A vault whose points were all removed as well is not told from a new unencrypted one.
     */
    private static void refuseReplacedConfig(Backend backend) throws IOException {
        List<String> ids = backend.listChildren(POINTS);
        for (int i = ids.size() - 1; i >= 0; i--) {
            if (!PointIds.isId(ids.get(i))) {
                continue;
            }
            for (ObjectInfo object : backend.list(POINTS + ids.get(i) + "/")) {
                ByteBuffer stored;
                try {
                    stored = backend.get(object.name());
                } catch (ObjectNotFoundException gone) {
                    continue;
                }
                if (ObjectCodec.sealedEncrypted(stored)) {
                    throw new CorruptDataException(CONFIG, "the config says the vault is not encrypted, but its object '"
                            + object.name() + "' is encrypted: the config was replaced; put the vault's own config back"
                            + " (from a copy of the vault) before using it, or new points would be written unencrypted");
                }
                return;
            }
        }
    }

    private static byte[] wrapContext(String vaultId) {
        return ("coffer-vault:" + vaultId).getBytes(StandardCharsets.UTF_8);
    }

    public Backend backend() {
        return backend;
    }

    /** The time holds are judged by (the system clock unless the vault was opened with another). */
    public Instant now() {
        return clock.instant();
    }

    public VaultConfig config() {
        return config;
    }

    public int chunkSize() {
        return config.chunkSize();
    }

    public ObjectCodec codec() {
        return codec;
    }

    public ChunkDigester digester() {
        return digester;
    }

    public VaultLocks locks() {
        return locks;
    }

    /** The leases that keep served points from deletion (docs/design/live-access.md). */
    public PointLeases leases() {
        return leases;
    }

    /** The claims that keep two writers of one chosen point id from running at once (a replica's). */
    public PointClaims claims() {
        return claims;
    }

    public static String manifestName(String pointId) {
        return POINTS + pointId + "/manifest";
    }

    public static String holdName(String pointId) {
        return POINTS + pointId + "/hold";
    }

    // ---- points -------------------------------------------------------------------------------------

    /**
     * Every point whose manifest reads, oldest first. A damaged manifest does not stop the listing: that
     * point is left out here and reported by {@link #listPoints()} (which {@code vault verify} and {@code point
     * list} use).
     */
    public List<PointManifest> points() throws IOException {
        return listPoints().points();
    }

    /** Every point, with those whose manifest does not read, the lost and the unfinished ones. */
    public PointListing listPoints() throws IOException {
        return PointListing.scan(this);
    }

    public PointManifest point(String id) throws IOException {
        try {
            return readManifestObject(manifestName(PointIds.check(id)));
        } catch (ObjectNotFoundException e) {
            throw new PointNotFoundException("no point '" + id + "' in the vault");
        }
    }

    /**
     * Finds a point by exact id (reading that one manifest only), unique id prefix, or name (the newest point of
     * that name). A name is refused while a manifest newer than its newest readable point is damaged: that point
     * might be the newest of the name, and restoring an older one unasked would be wrong.
     */
    public PointManifest resolve(String reference) throws IOException {
        if (PointIds.isId(reference) && backend.exists(manifestName(reference))) {
            return point(reference);
        }
        List<String> byId = new ArrayList<>();
        for (String id : backend.listChildren(POINTS)) {
            if (PointIds.isId(id) && id.startsWith(reference) && backend.exists(manifestName(id))) {
                byId.add(id);
            }
        }
        if (byId.size() == 1) {
            return point(byId.getFirst());
        }
        List<String> unreadable = new ArrayList<>();
        PointManifest byName = newest(p -> p.name().equals(reference), unreadable);
        if (byName != null) {
            if (!unreadable.isEmpty()) {
                throw new CorruptDataException(manifestName(unreadable.getFirst()), "the manifest of point "
                        + String.join(", ", unreadable) + " (newer than point " + byName.id() + ", the newest readable point"
                        + " named '" + reference + "') cannot be read, so the newest point of that name is unknown;"
                        + " give the id of the point you want");
            }
            return byName;
        }
        if (byId.size() > 1) {
            throw new PointNotFoundException("'" + reference + "' matches " + byId.size() + " points: " + byId
                    + "; give more of the id");
        }
        throw new PointNotFoundException("no point with id, id prefix or name '" + reference + "' in the vault"
                + (unreadable.isEmpty() ? "" : " (the manifests of points " + unreadable + " cannot be read: see"
                + " 'coffer vault verify')"));
    }

    /** The newest point of {@code name}, or null. */
    public PointManifest latest(String name) throws IOException {
        return newest(p -> p.name().equals(name));
    }

    /**
     * The newest point that {@code matching} accepts (the last in {@link #points()} order), or null. Reads
     * manifests newest first and stops at the first second that holds a match, so finding the base of a
     * backup reads about one manifest per instance backed up since, not every manifest in the vault. A
     * manifest that cannot be read is passed over (it cannot serve as a base).
     */
    public PointManifest newest(Predicate<PointManifest> matching) throws IOException {
        return newest(matching, new ArrayList<>());
    }

    /** As {@link #newest(Predicate)}; adds to {@code unreadable} the ids of the manifests passed over. */
    private PointManifest newest(Predicate<PointManifest> matching, List<String> unreadable) throws IOException {
        // ids begin with their UTC second (yyyyMMdd-HHmmss); within one second, createdAt then id decide
        TreeMap<String, List<String>> bySecond = new TreeMap<>(Comparator.reverseOrder());
        for (String id : backend.listChildren(POINTS)) {
            if (PointIds.isId(id)) {
                bySecond.computeIfAbsent(id.substring(0, 15), k -> new ArrayList<>()).add(id);
            }
        }
        for (List<String> ids : bySecond.values()) {
            PointManifest best = null;
            for (String id : ids) {
                try {
                    PointManifest point = readManifestObject(manifestName(id));
                    if (matching.test(point) && (best == null || PointListing.OLDEST_FIRST.compare(point, best) > 0)) {
                        best = point;
                    }
                } catch (ObjectNotFoundException noManifest) {
                    // deleted between list and read, or being written (its manifest comes last)
                } catch (CorruptDataException | UnsupportedFormatException damaged) {
                    unreadable.add(id);
                }
            }
            if (best != null) {
                return best;
            }
        }
        return null;
    }

    public FixedIndex readIndex(PointManifest point, PointManifest.Disk disk) throws IOException {
        FixedIndex index;
        try {
            index = readIndexObject(disk.index());
        } catch (ObjectNotFoundException e) {
            throw new CorruptDataException(disk.index(), "index of point " + point.id() + " disk " + disk.name() + " is missing");
        }
        if (!index.checksum().equals(disk.indexChecksum())) {
            throw new CorruptDataException(disk.index(), "index checksum differs from the one point " + point.id()
                    + " recorded for disk " + disk.name());
        }
        if (index.diskSize() != disk.size() || index.chunkSize() != disk.chunkSize()) {
            throw new CorruptDataException(disk.index(), "index size/chunk size differ from the manifest");
        }
        return index;
    }

    /**
     * Reads the index object {@code name} by itself, checked by its envelope and own checksum only: for what has
     * no manifest to check it against (a point whose manifest is damaged or lost). Else use {@link #readIndex}.
     */
    public FixedIndex readIndexObject(String name) throws IOException {
        // read as a stream: an index larger than the heap should hold is authenticated while its payload is spooled to
        // a temporary file, then decompressed as read into an index kept in a file (docs/format/index.md, "Memory")
        try (java.io.InputStream stored = backend.getStream(name)) {
            return codec.open(ObjectKind.INDEX, name, stored, FixedIndex.heapLimit(), plain -> FixedIndex.decode(name, plain),
                    (in, length) -> FixedIndex.decode(name, in, length));
        }
    }

    /**
     * Deletes a point: an {@link UnfinishedMarker} and a barrier, then the manifest (the point is gone at once)
     * and a barrier, then its indexes and its hold, a barrier, and the marker last (without that barrier a power loss
     * could keep the marker's removal and undo an index's: a "lost" point). Chunks stay for gc. Works on a point whose
     * manifest does not read, and on a lost one (what remains of it is removed); those are judged by their hold
     * alone. The point is judged (hold, leases) before the marker and again after its barrier: a hold or lease
     * published before the second judgement refuses the delete, and one published after it finds the delete's
     * marker and fails ({@link #holdUntil}, {@link PointLeases#take}), so a hold or lease that succeeded always
     * keeps the point (docs/design/live-access.md, docs/reliability.md).
     *
     * @throws PointImmutableException while the point is held immutable (its manifest or its hold)
     * @throws PointInUseException while the point is served under a live lease ({@link PointLeases})
     */
    public void deletePoint(String id) throws IOException {
        PointIds.check(id);
        List<ObjectInfo> objects = backend.list(POINTS + id + "/");
        if (objects.isEmpty()) {
            throw new PointNotFoundException("no point '" + id + "' in the vault");
        }
        refuseWhileHeldOrServed(id);
        String marker = UnfinishedMarker.objectName(id);
        UnfinishedMarker.of("delete").put(this, id);
        backend.sync(); // a crash from here on leaves an unfinished point, never a lost one
        try {
            // judged again now that the delete is published: a hold or lease that landed after the judgement above
            // is seen here, and one that lands from now on sees the marker and fails (holdUntil, PointLeases.take)
            refuseWhileHeldOrServed(id);
        } catch (PointImmutableException | PointInUseException refused) {
            boolean markerWasThere = objects.stream().anyMatch(info -> info.name().equals(marker));
            if (!markerWasThere) { // an unfinished point's own marker stays: without it its objects would look lost
                try {
                    backend.delete(marker);
                } catch (IOException suppressed) {
                    refused.addSuppressed(suppressed); // beside the manifest the marker means nothing; gc removes it
                }
            }
            throw refused;
        }
        backend.delete(manifestName(id));
        backend.sync();
        for (ObjectInfo info : objects) {
            if (!info.name().equals(marker) && !info.name().equals(holdName(id))) {
                backend.delete(info.name());
            }
        }
        backend.delete(holdName(id));
        backend.sync(); // the removals durable before the marker's: a power loss must not keep only the marker's
        backend.delete(marker);
    }

    /** Throws when point {@code id} may not be deleted now: it is immutable, or served under a live lease. */
    private void refuseWhileHeldOrServed(String id) throws IOException {
        Instant until;
        try {
            until = immutableUntil(point(id));
        } catch (CorruptDataException | UnsupportedFormatException | PointNotFoundException damagedOrLost) {
            until = readHold(id);
        }
        if (until != null && now().isBefore(until)) {
            throw new PointImmutableException(id, until);
        }
        List<String> served = leases.live(id);
        if (!served.isEmpty()) {
            throw new PointInUseException(id, served);
        }
    }

    /**
     * Whether point {@code id}'s unfinished marker exists and does not open as one (its AEAD tag or CRC fails, or its
     * body is not a marker): not one Coffer wrote for this point. A marker of a newer version counts as readable.
     */
    boolean markerUnreadable(String id) throws IOException {
        String name = UnfinishedMarker.objectName(id);
        try {
            UnfinishedMarker marker = Json.MAPPER.readValue(codec.open(ObjectKind.MARKER, name, backend.get(name)),
                    UnfinishedMarker.class);
            return marker == null || !UnfinishedMarker.FORMAT.equals(marker.format());
        } catch (ObjectNotFoundException | UnsupportedFormatException gone) {
            return false;
        } catch (CorruptDataException | com.fasterxml.jackson.core.JacksonException e) {
            return true;
        }
    }

    /**
     * Whether a delete of point {@code id} is under way: its marker is a delete's ({@link #deletePoint}), or does not
     * read (then it may be one). A writer's marker left beside a manifest is not.
     */
    boolean deletionUnderway(String id) throws IOException {
        String name = UnfinishedMarker.objectName(id);
        ByteBuffer stored;
        try {
            stored = backend.get(name);
        } catch (ObjectNotFoundException none) {
            return false;
        }
        try {
            UnfinishedMarker marker = Json.MAPPER.readValue(codec.open(ObjectKind.MARKER, name, stored),
                    UnfinishedMarker.class);
            return !"write".equals(marker.operation());
        } catch (CorruptDataException | UnsupportedFormatException | com.fasterxml.jackson.core.JacksonException e) {
            return true;
        }
    }

    /**
     * Until when {@code point} is immutable: the later of its manifest's {@code immutableUntil} and its hold object;
     * null when it is not immutable. A hold that cannot be read counts as for ever: an unreadable hold must not make
     * a point deletable.
     */
    public Instant immutableUntil(PointManifest point) throws IOException {
        Instant held = readHold(point.id());
        Instant own = point.immutableUntil();
        if (held == null || own != null && own.isAfter(held)) {
            return own;
        }
        return held;
    }

    /**
     * Holds the point immutable until {@code until} unless it is held longer already: a hold is only ever extended.
     * Returns until when the point is held now. A point whose manifest holds it but whose hold object is missing or
     * shorter (a commit killed between the manifest and its hold) gets its hold now, at least the manifest's time, and
     * with it the store's retention where the store has one (S3 Object Lock): the manifest alone is the vault's
     * refusal, not the store's.
     *
     * @throws VaultBusyException when a delete of the point is under way: the hold was written after the delete
     *                            published its marker, and the delete may have judged the point before the hold landed
     */
    public Instant holdUntil(String id, Instant until) throws IOException {
        PointManifest point = point(id);
        Instant held = readHold(point.id());
        Instant own = point.immutableUntil();
        Instant wanted = own != null && own.isAfter(until) ? own : until;
        if (held != null && !wanted.isAfter(held)) {
            return held;
        }
        writeHold(point.id(), wanted);
        if (deletionUnderway(point.id())) {
            // the delete may have judged the point deletable before this hold landed (if not, it sees the hold and
            // refuses): the hold cannot promise the point stays
            throw new VaultBusyException("point '" + id + "' is being deleted; its hold may not keep it: list the points"
                    + " and hold it again if it is still there");
        }
        return wanted;
    }

    /**
     * Writes the hold object of point {@code id} (callers make sure it only extends), and where the store has a lock of
     * its own (S3 Object Lock) retains the point's manifest, indexes and hold until then too. Chunks are not retained
     * by the store (one request per chunk per point): gc never sweeps a chunk a held point names.
     */
    public void writeHold(String id, Instant until) throws IOException {
        String name = holdName(id);
        byte[] body = Json.MAPPER.writeValueAsBytes(PointHold.of(id, until));
        backend.put(name, codec.seal(ObjectKind.HOLD, name, body, body.length, false));
        backend.sync();
        if (backend.retain(name, until)) {
            for (ObjectInfo info : backend.list(POINTS + id + "/")) {
                if (!info.name().equals(name)) {
                    backend.retain(info.name(), until);
                }
            }
        }
    }

    /**
     * The end of point {@code id}'s hold object, or null when it has none (the point may still be immutable by its
     * manifest). An unreadable hold reads as {@link #FOREVER}.
     */
    public Instant readHold(String id) throws IOException {
        String name = holdName(id);
        ByteBuffer stored;
        try {
            stored = backend.get(name);
        } catch (ObjectNotFoundException none) {
            return null;
        }
        try {
            PointHold hold = Json.MAPPER.readValue(codec.open(ObjectKind.HOLD, name, stored), PointHold.class);
            if (!PointHold.FORMAT.equals(hold.format()) || hold.version() > PointHold.VERSION || !id.equals(hold.pointId())
                    || hold.immutableUntil() == null) {
                return FOREVER;
            }
            return hold.immutableUntil();
        } catch (CorruptDataException | UnsupportedFormatException | com.fasterxml.jackson.core.JacksonException e) {
            return FOREVER;
        }
    }

    public PointManifest readManifestObject(String name) throws IOException {
        byte[] body = codec.open(ObjectKind.MANIFEST, name, backend.get(name));
        PointManifest manifest;
        try {
            manifest = ManifestJson.read(body);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new CorruptDataException(name, "unreadable manifest: " + e.getOriginalMessage(), e);
        }
        if (!PointManifest.FORMAT.equals(manifest.format())) {
            throw new CorruptDataException(name, "not a point manifest (format '" + manifest.format() + "')");
        }
        if (manifest.version() > PointManifest.VERSION || manifest.version() < 1) {
            throw new UnsupportedFormatException(name, "point manifest", manifest.version(), PointManifest.VERSION);
        }
        checkOwnName(name, manifest);
        return manifest;
    }

    /**
     * A manifest read from {@code points/<id>/manifest} must be point {@code <id>}'s and name only indexes of that
     * point (docs/format/manifest.md, docs/format/README.md). In an encrypted vault the AEAD binds every object to its
     * name, so a manifest moved under another id does not open; an unencrypted one has only a CRC, and before session
     * 21 a point's manifest (and its indexes) copied under another point's id listed as the first point twice, the
     * second point gone from the listing (docs/design/security.md).
     */
    private static void checkOwnName(String name, PointManifest manifest) throws CorruptDataException {
        String prefix = POINTS + manifest.id() + "/";
        if (!name.equals(prefix + "manifest")) {
            throw new CorruptDataException(name, "the manifest is point " + manifest.id() + "'s, stored under another"
                    + " point's name (moved or copied)");
        }
        for (PointManifest.Disk disk : manifest.disks()) {
            String index = disk.index();
            if (index == null || !index.startsWith(prefix) || index.indexOf('/', prefix.length()) >= 0
                    || !index.endsWith(".fidx")) {
                throw new CorruptDataException(name, "disk " + disk.name() + " names index '" + index
                        + "', not one of point " + manifest.id() + "'s");
            }
        }
    }

    // ---- chunks -------------------------------------------------------------------------------------

    /**
     * Reads chunk {@code id} into {@code into}, checks it, returns its length. In an encrypted vault the GCM
     * tag (bound to the chunk's name) authenticates it; with {@code rehash}, or in an unencrypted vault,
     * the digest is recomputed as well.
     */
    public int readChunk(ChunkId id, byte[] into, boolean rehash) throws IOException {
        int length = codec.open(ObjectKind.CHUNK, id.objectName(), stored(id, "chunk"), into);
        checkDigest(id, into, length, rehash);
        return length;
    }

    /** The stored bytes of chunk or patch {@code id}; a missing one is damage ({@code what} names it). */
    private ByteBuffer stored(ChunkId id, String what) throws IOException {
        try {
            return backend.get(id.objectName());
        } catch (ObjectNotFoundException e) {
            throw new CorruptDataException(id.objectName(), what + " is missing");
        }
    }

    /** With {@code rehash}, or always in an unencrypted vault (no GCM tag), the plaintext's digest must be {@code id}. */
    private void checkDigest(ChunkId id, byte[] plain, int length, boolean rehash) throws CorruptDataException {
        if (rehash || !codec.encrypted()) {
            ChunkId actual = digester.digest(plain, 0, length);
            if (!actual.equals(id)) {
                throw new CorruptDataException(id.objectName(), "content digest is " + actual.hex().substring(0, 16) + "…");
            }
        }
    }

    /**
     * Chunks and patches that were quarantined as damaged and are not stored again yet: a backup must read their
     * data again instead of taking them from a base index, so that the points using them become whole again.
     * Usually none (one listing of an absent directory).
     */
    public Set<ChunkId> quarantinedMissing() throws IOException {
        Set<ChunkId> missing = new HashSet<>();
        for (ObjectInfo info : backend.list(DAMAGED + CHUNKS)) {
            String hex = info.name().substring(info.name().lastIndexOf('/') + 1);
            if (hex.matches("[0-9a-f]{64}")) {
                ChunkId id = ChunkId.ofHex(hex);
                if (!backend.exists(id.objectName())) {
                    missing.add(id);
                }
            }
        }
        return missing;
    }

    /**
     * Reads the patch {@code id} (a {@link ChunkPatch}) that an index records as {@code record} for a chunk of
     * {@code chunkLength} bytes, checked as {@link #readChunk} checks a chunk (the GCM tag, and with
     * {@code rehash} or in an unencrypted vault the digest of its body) and against that record.
     */
    public ChunkPatch readPatch(ChunkId id, FixedIndex.Patched record, int chunkLength, boolean rehash) throws IOException {
        byte[] body = codec.open(ObjectKind.PATCH, id.objectName(), stored(id, "chunk patch"));
        checkDigest(id, body, body.length, rehash);
        ChunkPatch patch = ChunkPatch.decode(id.objectName(), body);
        if (!patch.base().equals(record.base()) || patch.chunkLength() != chunkLength || patch.patchedBytes() != record.bytes()) {
            throw new CorruptDataException(id.objectName(), "chunk patch does not match its index record (base "
                    + patch.base().hex().substring(0, 16) + "…, " + patch.chunkLength() + "-byte chunk, "
                    + patch.patchedBytes() + " bytes patched)");
        }
        return patch;
    }

    /**
     * Reads the content of chunk {@code i} of {@code index} into {@code into}: the chunk it names, or the
     * patch it names applied over the patch's base. Returns the chunk's length, checked against the index.
     */
    public int readEntry(FixedIndex index, int i, byte[] into, boolean rehash) throws IOException {
        ChunkId id = index.get(i);
        int length = index.lengthOf(i);
        FixedIndex.Patched patched = index.patchOf(i);
        if (patched == null) {
            int got = readChunk(id, into, rehash);
            if (got != length) {
                throw new CorruptDataException(id.objectName(), "chunk holds " + got + " bytes where the index needs " + length);
            }
            return got;
        }
        ChunkPatch patch = readPatch(id, patched, length, rehash);
        int got = readChunk(patch.base(), into, rehash);
        if (got != length) {
            throw new CorruptDataException(patch.base().objectName(), "base chunk holds " + got
                    + " bytes where the patch needs " + length);
        }
        patch.applyTo(into);
        return length;
    }

    /**
     * Closes the backend, after a last try at removing this process's lock objects, claims and leases whose removal
     * failed ({@link LeftBehind}; no request when there are none): a command that ends would leave them to go stale.
     */
    @Override
    public void close() throws IOException {
        leftBehind.retry();
        backend.close();
    }
}
