/**
 * Keys, the object cipher and digests: the {@link coffer.vault.crypto.KeyService} seam (envelope encryption of
 * the vault's data key), the local key ring, HKDF sub-keys, AES-256-GCM ({@link coffer.vault.crypto.AesGcm})
 * and chunk digests. Key material never leaves this package in messages or {@code toString()}.
 *
 * <p>The bulk work (AES-GCM, SHA-256, HMAC-SHA-256) runs in OpenSSL's libcrypto through a small hand-written
 * FFM binding ({@code LibCrypto}) where it loads, and in the JDK's providers otherwise. Hand-written because
 * the Java bindings of OpenSSL on Maven Central are either JNI libraries built for other purposes (Netty's
 * tcnative, wildfly-openssl) or providers behind the same {@code Cipher} API whose per-call overhead is the
 * point; the binding is a dozen functions. The JDK is fast only after its JIT has compiled the calling code
 * (see {@code LibCrypto}); both produce identical bytes, which the tests check both ways.
 */
package coffer.vault.crypto;
