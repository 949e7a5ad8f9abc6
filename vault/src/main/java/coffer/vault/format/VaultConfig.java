package coffer.vault.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Instant;

/**
 * The vault's parameters, stored in its {@code config} object (docs/format/config.md). Everything a reader
 * needs to interpret the other objects lives here, so a vault opens with no outside configuration but
 * the key ring. Immutable.
 *
 * @param format     always {@code coffer-vault}
 * @param version    config format version
 * @param chunkSize  power of two, 256 KiB to 16 MiB; fixed for the life of the vault
 * @param digest     {@code sha256} (unencrypted) or {@code hmac-sha256} (encrypted)
 * @param version    config format version: 1 for zstd vaults (what every Coffer reads), 2 for the codecs added since
 *                   ({@link Compression#configVersion()}), so a Coffer that does not know them refuses the vault
 * @param compression the codec new objects are compressed with ({@link Compression#configName()})
 * @param compressionLevel the zstd level new chunks are compressed at ({@link #checkCompressionLevel}); 1 for LZ4;
 *                   a reader does not need it (every object says whether and how it is compressed)
 * @param encryption null for an unencrypted vault
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VaultConfig(String format, int version, String vaultId, Instant createdAt, int chunkSize,
                          String digest, String compression, int compressionLevel, Encryption encryption) {
    public static final String FORMAT = "coffer-vault";
    /** The newest config version this build reads and writes (2: the {@code compression} field may be {@code lz4}). */
    public static final int VERSION = 2;
    public static final int MIN_CHUNK_SIZE = 256 * 1024;
    public static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;
    /**
     * zstd level 1: on the benchmark's mix and on real headers and libraries (docs/performance.md, "Compression
     * level") the knee of the curve; level 3 stores 5-9 % less of the compressible data for 13-37 % more CPU.
     */
    public static final int DEFAULT_COMPRESSION_LEVEL = 1;
    public static final int MIN_COMPRESSION_LEVEL = -7;
    public static final int MAX_COMPRESSION_LEVEL = 19;

    /**
     * @param cipher     {@code aes-256-gcm}
     * @param kdf        {@code hkdf-sha256}
     * @param keyService which key service wrapped the data key, e.g. {@code local-keyring}
     * @param keyId      the key-encryption key's id in that service
     * @param wrappedKey base64 of the wrapped data key
     */
    public record Encryption(String cipher, String kdf, String keyService, String keyId, String wrappedKey) {
    }

    /**
     * The config in {@code body} (the config object's plaintext), read as {@link CanonicalJson} reads: the same
     * value, or the same databind exception, as {@code Json.MAPPER.readValue(body, VaultConfig.class)}.
     */
    public static VaultConfig read(byte[] body) throws IOException {
        return CanonicalJson.read(Json.MAPPER, body, VaultConfig.class, VaultConfig::fromTree);
    }

    static VaultConfig fromTree(JsonNode root) throws CanonicalJson.GiveUp {
        if (!root.isObject()) {
            throw CanonicalJson.giveUp();
        }
        JsonNode e = CanonicalJson.object(root.get("encryption"));
        Encryption encryption = e == null ? null : new Encryption(CanonicalJson.text(e.get("cipher")),
                CanonicalJson.text(e.get("kdf")), CanonicalJson.text(e.get("keyService")),
                CanonicalJson.text(e.get("keyId")), CanonicalJson.text(e.get("wrappedKey")));
        return new VaultConfig(CanonicalJson.text(root.get("format")), CanonicalJson.int32(root.get("version")),
                CanonicalJson.text(root.get("vaultId")), CanonicalJson.instant(root.get("createdAt")),
                CanonicalJson.int32(root.get("chunkSize")), CanonicalJson.text(root.get("digest")),
                CanonicalJson.text(root.get("compression")), CanonicalJson.int32(root.get("compressionLevel")),
                encryption);
    }

    public boolean encrypted() {
        return encryption != null;
    }

    /** The vault's codec (zstd when the field is absent); null when the config names one this build does not know. */
    public Compression codec() {
        return compression == null ? Compression.ZSTD : Compression.named(compression);
    }

    /**
     * Validates a codec and level for a new vault: zstd takes the levels of {@link #checkCompressionLevel}, LZ4 only
     * 1 (its fast compressor). Returns a message naming the problem, or null when valid.
     */
    public static String checkCompression(Compression compression, int level) {
        if (compression == Compression.LZ4) {
            return level == 1 ? null : "the lz4 codec has no compression levels (got " + level
                    + "); leave the level out, or choose zstd";
        }
        return checkCompressionLevel(level);
    }

    /**
     * Validates a zstd compression level: -7 to -1 (zstd's fast levels) or 1 to 19; returns a message naming the
     * problem, or null when valid.
     */
    public static String checkCompressionLevel(int level) {
        if (level < MIN_COMPRESSION_LEVEL || level > MAX_COMPRESSION_LEVEL || level == 0) {
            return "compression level must be a zstd level from " + MIN_COMPRESSION_LEVEL + " to -1 or 1 to "
                    + MAX_COMPRESSION_LEVEL + ", got " + level;
        }
        return null;
    }

    /** Validates a chunk size; returns a message naming the problem, or null when valid. */
    public static String checkChunkSize(long size) {
        if (size < MIN_CHUNK_SIZE || size > MAX_CHUNK_SIZE || Long.bitCount(size) != 1) {
            return "chunk size must be a power of two from 256 KiB to 16 MiB, got " + size + " bytes";
        }
        return null;
    }
}
