package coffer.vault.crypto;

import coffer.vault.KeyUnavailableException;
import coffer.vault.format.CanonicalJson;
import coffer.vault.fs.OwnerOnly;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The default key service: 256-bit key-encryption keys in a JSON file readable only by its owner (mode
 * 0600, see docs/format/keyring.md). Wraps data keys with AES-256-GCM. Losing this file loses every vault
 * encrypted under its keys, so its creator is told to keep a copy elsewhere.
 *
 * <p>Thread-safe: reads and rewrites of the file are serialized on this object; the file is replaced
 * atomically (temp + rename), so a crash never leaves half a key ring.
 */
public final class LocalKeyRing implements KeyService {
    public static final String NAME = "local-keyring";
    private static final ObjectMapper JSON = coffer.vault.format.Json.MAPPER;
    private static final String FORMAT = "coffer-keyring";
    private static final int VERSION = 1;
    private static final byte[] WRAP_AAD = "coffer-wrap/v1:".getBytes(StandardCharsets.UTF_8);

    private final Path file;
    private SecureRandom random;

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Entry(String id, Instant createdAt, String material) {
        @Override
        public String toString() {
            return "Entry[" + id + "]";
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Ring(String format, int version, List<Entry> keys) {
    }

    public LocalKeyRing(Path file) {
        this.file = file.toAbsolutePath();
    }

    /**
     * The random source of new keys and nonces, made on first use: a command that only unwraps (every command on a
     * vault but {@code vault init}) does not set up the JDK's random provider on its vault's opening path
     * (docs/performance.md, "Session 15").
     */
    private synchronized SecureRandom random() {
        if (random == null) {
            random = new SecureRandom();
        }
        return random;
    }

    /** {@code $COFFER_KEYRING}, else {@code $XDG_CONFIG_HOME/coffer/keyring.json}, else {@code $HOME/.config/coffer/keyring.json}. */
    public static Path defaultPath() {
        String explicit = System.getenv("COFFER_KEYRING");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        String home = System.getenv("HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".config");
        return base.resolve("coffer").resolve("keyring.json");
    }

    public Path file() {
        return file;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return "key ring " + file;
    }

    @Override
    public synchronized String createKey() throws IOException {
        List<Entry> keys = new ArrayList<>(Files.exists(file) ? read().keys() : List.of());
        byte[] material = new byte[32];
        random().nextBytes(material);
        byte[] idBytes = new byte[6];
        random().nextBytes(idBytes);
        String id = "k-" + HexFormat.of().formatHex(idBytes);
        keys.add(new Entry(id, Instant.now(), Base64.getEncoder().encodeToString(material)));
        write(new Ring(FORMAT, VERSION, keys));
        return id;
    }

    @Override
    public WrappedKey wrap(String keyId, byte[] dataKey, byte[] context) throws IOException {
        byte[] kek = material(keyId);
        try {
            byte[] nonce = new byte[12];
            random().nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(WRAP_AAD);
            cipher.updateAAD(context);
            byte[] sealed = cipher.doFinal(dataKey);
            byte[] blob = new byte[12 + sealed.length];
            System.arraycopy(nonce, 0, blob, 0, 12);
            System.arraycopy(sealed, 0, blob, 12, sealed.length);
            return new WrappedKey(NAME, keyId, blob);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM unavailable", e);
        }
    }

    @Override
    public byte[] unwrap(WrappedKey wrapped, byte[] context) throws IOException {
        if (!NAME.equals(wrapped.keyService())) {
            throw new KeyUnavailableException("the vault key is held by key service '" + wrapped.keyService()
                    + "', not by " + describe());
        }
        byte[] kek = material(wrapped.keyId());
        byte[] blob = wrapped.blob();
        if (blob.length < 12 + 16) {
            throw new KeyUnavailableException("wrapped vault key is damaged (" + blob.length + " bytes)");
        }
        // AES-256-GCM by libcrypto where it loads (the vault's objects need it next), by the JDK elsewhere: the JDK's
        // Cipher set up its providers on every vault's opening path (~14 ms, docs/performance.md, "Session 15")
        byte[] aad = new byte[WRAP_AAD.length + context.length];
        System.arraycopy(WRAP_AAD, 0, aad, 0, WRAP_AAD.length);
        System.arraycopy(context, 0, aad, WRAP_AAD.length, context.length);
        byte[] plain = new byte[blob.length - 12 - AesGcm.TAG_SIZE];
        try {
            AesGcm.of(new SecretKeySpec(kek, "AES")).decrypt(blob, 0, aad, blob, 12, blob.length - 12, plain, 0);
            return plain;
        } catch (AEADBadTagException e) {
            throw new KeyUnavailableException("key '" + wrapped.keyId() + "' in " + describe()
                    + " does not unlock this vault (wrong key ring, or the key was replaced)");
        }
    }

    private byte[] material(String keyId) throws IOException {
        if (!Files.exists(file)) {
            throw new KeyUnavailableException("key ring " + file + " does not exist; the vault needs key '" + keyId
                    + "' (restore the key ring from your copy, or point --keyring / COFFER_KEYRING at it)");
        }
        for (Entry entry : read().keys()) {
            if (entry.id().equals(keyId)) {
                byte[] material = Base64.getDecoder().decode(entry.material());
                if (material.length != 32) {
                    throw new KeyUnavailableException("key '" + keyId + "' in " + describe() + " is not 256 bits");
                }
                return material;
            }
        }
        throw new KeyUnavailableException("key '" + keyId + "' is not in " + describe()
                + " (restore the key ring from your copy, or point --keyring / COFFER_KEYRING at the right one)");
    }

    private synchronized Ring read() throws IOException {
        Ring ring;
        try {
            ring = parse(file);
        } catch (IOException e) {
            throw new KeyUnavailableException("cannot read " + describe() + ": " + e.getMessage(), e);
        }
        if (!FORMAT.equals(ring.format()) || ring.keys() == null) {
            throw new KeyUnavailableException(file + " is not a Coffer key ring");
        }
        if (ring.version() > VERSION) {
            throw new KeyUnavailableException(describe() + " has version " + ring.version()
                    + "; this Coffer reads versions up to " + VERSION);
        }
        return ring;
    }

    /**
     * The key ring in {@code file}: in the form Coffer writes without databind (its first use on a command's path to
     * the vault costs more than the read itself, docs/performance.md, "Session 15"), else, and with the same value or
     * exception as ever, by databind.
     */
    static Ring parse(Path file) throws IOException {
        Ring ring = null;
        try {
            ring = CanonicalJson.tryRead(Files.readAllBytes(file), LocalKeyRing::fromTree);
        } catch (IOException e) {
            // databind's read below reports it, as it always did
        }
        return ring != null ? ring : JSON.readValue(file.toFile(), Ring.class);
    }

    /** The key ring as written (docs/format/keyring.md), from its canonical tree; see {@link CanonicalJson}. */
    static Ring fromTree(JsonNode root) throws CanonicalJson.GiveUp {
        if (!root.isObject()) {
            throw CanonicalJson.giveUp();
        }
        JsonNode array = CanonicalJson.array(root.get("keys"));
        List<Entry> keys = null;
        if (array != null) {
            keys = new ArrayList<>();
            for (JsonNode e : array) {
                if (!e.isObject()) {
                    throw CanonicalJson.giveUp();
                }
                keys.add(new Entry(CanonicalJson.text(e.get("id")), CanonicalJson.instant(e.get("createdAt")),
                        CanonicalJson.text(e.get("material"))));
            }
        }
        return new Ring(CanonicalJson.text(root.get("format")), CanonicalJson.int32(root.get("version")), keys);
    }

    private void write(Ring ring) throws IOException {
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            OwnerOnly.createDirectories(dir);
        }
        Path temp = Files.createTempFile(dir, ".keyring", ".tmp", OwnerOnly.file());
        try {
            Files.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(ring));
            try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
