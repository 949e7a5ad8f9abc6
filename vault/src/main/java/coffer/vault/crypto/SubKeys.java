package coffer.vault.crypto;

import javax.crypto.KDF;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * The keys a vault uses, derived from its one data key with HKDF-SHA-256 (salt = the vault id), so one
 * key is never used for two purposes: {@code coffer/v1/chunk-id} keys the chunk digests,
 * {@code coffer/v1/object} encrypts every object.
 *
 * <p>Immutable; thread-safe.
 */
public record SubKeys(SecretKey chunkId, SecretKey object) {

    public static SubKeys derive(byte[] dataKey, String vaultId) {
        return LibCrypto.get().map(lib -> derive(lib, dataKey, vaultId)).orElseGet(() -> deriveByJdk(dataKey, vaultId));
    }

    /**
     * HKDF-SHA-256 (RFC 5869) by libcrypto's HMAC: the extract, then one expand block (T(1), the 32 bytes a key
     * needs) per key. The same keys as the JDK's {@code KDF}, without setting up the JDK's security providers on
     * every vault's opening path (~7 ms there, docs/performance.md, "Session 15").
     */
    static SubKeys derive(LibCrypto lib, byte[] dataKey, String vaultId) {
        byte[] prk = lib.hmacSha256(vaultId.getBytes(StandardCharsets.UTF_8), dataKey, 0, dataKey.length);
        return new SubKeys(new SecretKeySpec(expand(lib, prk, "coffer/v1/chunk-id"), "HmacSHA256"),
                new SecretKeySpec(expand(lib, prk, "coffer/v1/object"), "AES"));
    }

    private static byte[] expand(LibCrypto lib, byte[] prk, String info) {
        byte[] text = info.getBytes(StandardCharsets.UTF_8);
        byte[] block = java.util.Arrays.copyOf(text, text.length + 1);
        block[text.length] = 1;
        return lib.hmacSha256(prk, block, 0, block.length);
    }

    /** HKDF-SHA-256 by the JDK's {@code KDF} (where libcrypto does not load). */
    static SubKeys deriveByJdk(byte[] dataKey, String vaultId) {
        try {
            KDF hkdf = KDF.getInstance("HKDF-SHA256");
            byte[] salt = vaultId.getBytes(StandardCharsets.UTF_8);
            return new SubKeys(derive(hkdf, dataKey, salt, "coffer/v1/chunk-id", "HmacSHA256"),
                    derive(hkdf, dataKey, salt, "coffer/v1/object", "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 unavailable", e);
        }
    }

    private static SecretKey derive(KDF hkdf, byte[] ikm, byte[] salt, String info, String algorithm)
            throws GeneralSecurityException {
        return hkdf.deriveKey(algorithm, HKDFParameterSpec.ofExtract().addIKM(ikm).addSalt(salt)
                .thenExpand(info.getBytes(StandardCharsets.UTF_8), 32));
    }

    @Override
    public String toString() {
        return "SubKeys[redacted]";
    }
}
