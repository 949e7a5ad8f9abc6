package coffer.vault.crypto;

import coffer.vault.ChunkId;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Names chunks by content: SHA-256 of the plaintext, or HMAC-SHA-256 keyed with the vault's chunk-id
 * sub-key in an encrypted vault, so stored names reveal nothing about the data (no confirmation of a
 * guessed block).
 *
 * <p>Thread-safe: one digest engine per thread.
 */
public final class ChunkDigester {
    /** A stateless native engine for every thread, or a JDK engine per thread (they carry state). */
    private final Supplier<Engine> engines;
    private final String algorithm;
    private final BooleanSupplier nativeCode;

    private interface Engine {
        byte[] digest(byte[] data, int offset, int length);
    }

    private ChunkDigester(String algorithm, Supplier<Engine> engines, BooleanSupplier nativeCode) {
        this.algorithm = algorithm;
        this.engines = engines;
        this.nativeCode = nativeCode;
    }

    /** SHA-256 by libcrypto where it loads and binds (see {@link LibCrypto}), else by the JDK. */
    public static ChunkDigester sha256() {
        return sha256(LibCrypto.get());
    }

    /**
     * SHA-256 by {@code lib} when its digest binds, else by the JDK (a test gives a libcrypto of its own). Which one
     * is decided once, on the first digest ({@link LibCrypto} says why not earlier).
     */
    static ChunkDigester sha256(Optional<LibCrypto> libCrypto) {
        return libCrypto.map(lib -> {
            Engine engine = lib::sha256;
            Supplier<Engine> jdk = jdkSha256().engines;
            return new ChunkDigester("sha256", () -> lib.digest().bound() ? engine : jdk.get(),
                    () -> !lib.digest().failed());
        }).orElseGet(ChunkDigester::jdkSha256);
    }

    /** HMAC-SHA-256 under {@code key} by libcrypto where it loads and binds, else by the JDK. */
    public static ChunkDigester hmacSha256(SecretKey key) {
        return hmacSha256(key, LibCrypto.get());
    }

    /** HMAC-SHA-256 by {@code lib} when its HMAC binds, else by the JDK; decided as {@link #sha256(Optional)}. */
    static ChunkDigester hmacSha256(SecretKey key, Optional<LibCrypto> libCrypto) {
        return libCrypto.map(lib -> {
            byte[] raw = key.getEncoded();
            Engine engine = (data, offset, length) -> lib.hmacSha256(raw, data, offset, length);
            Supplier<Engine> jdk = jdkHmacSha256(key).engines;
            return new ChunkDigester("hmac-sha256", () -> lib.hmac().bound() ? engine : jdk.get(),
                    () -> !lib.hmac().failed());
        }).orElseGet(() -> jdkHmacSha256(key));
    }

    /** The JDK's SHA-256, whatever else is available (for cross-checks). */
    public static ChunkDigester jdkSha256() {
        return new ChunkDigester("sha256", perThread(() -> {
            MessageDigest md = newSha256();
            return (data, offset, length) -> {
                md.update(data, offset, length);
                return md.digest();
            };
        }), () -> false);
    }

    /** The JDK's HMAC-SHA-256, whatever else is available (for cross-checks). */
    public static ChunkDigester jdkHmacSha256(SecretKey key) {
        return new ChunkDigester("hmac-sha256", perThread(() -> {
            Mac mac;
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
            return (data, offset, length) -> {
                mac.update(data, offset, length);
                return mac.doFinal();
            };
        }), () -> false);
    }

    private static Supplier<Engine> perThread(Supplier<Engine> make) {
        return ThreadLocal.withInitial(make)::get;
    }

    /**
     * True when digests run in native code at full speed from the first call (no JIT warm-up needed); with libcrypto,
     * expected until the first digest finds that its function does not bind (as {@link AesGcm#nativeCode()}).
     */
    public boolean nativeCode() {
        return nativeCode.getAsBoolean();
    }

    /** {@code sha256} or {@code hmac-sha256}, as recorded in the vault config. */
    public String algorithm() {
        return algorithm;
    }

    public ChunkId digest(byte[] data, int offset, int length) {
        return ChunkId.of(engines.get().digest(data, offset, length), 0);
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
