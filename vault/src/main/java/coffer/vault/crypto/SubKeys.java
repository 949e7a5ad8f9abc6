package coffer.vault.crypto;

import javax.crypto.KDF;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;
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
