package coffer.vault.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.security.GeneralSecurityException;
import java.util.Optional;

/**
 * AES-256-GCM with a 12-byte nonce and a 16-byte tag appended to the ciphertext: the vault's object cipher.
 * Backed by libcrypto where it loads ({@link LibCrypto} says why), else by the JDK; both produce the same
 * bytes.
 *
 * <p>Thread-safe.
 */
public abstract sealed class AesGcm {
    public static final int NONCE_SIZE = 12;
    public static final int TAG_SIZE = 16;

    private AesGcm() {
    }

    /** libcrypto when available, else the JDK. */
    public static AesGcm of(SecretKey key) {
        return of(key, LibCrypto.get());
    }

    /**
     * libcrypto's cipher from {@code lib} when its functions bind, else the JDK's (a test gives a libcrypto of its
     * own). Which one is decided once, on the first call ({@link LibCrypto} says why not earlier), and kept.
     */
    static AesGcm of(SecretKey key, Optional<LibCrypto> lib) {
        return lib.<AesGcm>map(l -> new Native(l, key)).orElseGet(() -> new Jdk(key));
    }

    /** The JDK's provider, whatever else is available (for cross-checks). */
    public static AesGcm jdk(SecretKey key) {
        return new Jdk(key);
    }

    /**
     * True when the work runs in native code at full speed from the first call (no JIT warm-up needed). With libcrypto
     * loaded this is expected until its first call finds that its functions do not bind; asking binds nothing.
     */
    public abstract boolean nativeCode();

    /**
     * Encrypts {@code in[inOffset, +length)} under {@code nonce} and {@code aad}, writing the ciphertext and
     * then the tag at {@code out[outOffset]}; returns {@code length + TAG_SIZE}.
     */
    public abstract int encrypt(byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out,
                                int outOffset);

    /**
     * Authenticates and decrypts {@code in[inOffset, +length)} (ciphertext then tag) into
     * {@code out[outOffset]}; returns the plaintext length.
     *
     * @throws AEADBadTagException when the tag does not match (damaged data, another name, or another key)
     */
    public abstract int decrypt(byte[] nonce, int nonceOffset, byte[] aad, byte[] in, int inOffset, int length,
                                byte[] out, int outOffset) throws AEADBadTagException;

    /** The key, for the JDK's streaming ciphers. */
    abstract SecretKey jdkKey();

    /**
     * A streaming AES-256-GCM encryption under {@code nonce} and {@code aad}, the JDK's (which streams encryption:
     * {@code update} returns the ciphertext so far, {@code doFinal} the rest and the tag); the same bytes as
     * {@link #encrypt}. For objects too large for an array (docs/format/index.md, "Memory").
     */
    public Cipher streamingEncryptor(byte[] nonce, byte[] aad) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, jdkKey(), new GCMParameterSpec(TAG_SIZE * 8, nonce));
            cipher.updateAAD(aad);
            return cipher;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM unavailable", e);
        }
    }

    /**
     * AES-256 in counter mode from GCM's first payload block under {@code nonce} (counter block nonce || 2): GCM's
     * plaintext from its ciphertext as a stream, <b>not authenticated</b>. The JDK's GCM decryption holds the whole
     * ciphertext until it checks the tag; a caller of this one instead encrypts what it gives with
     * {@link #streamingEncryptor} and compares that tag with the stored one (GCM is deterministic: the same tag means
     * the same ciphertext), using nothing before they are equal.
     */
    public Cipher streamingUnauthenticatedDecryptor(byte[] nonce) {
        byte[] counter = java.util.Arrays.copyOf(nonce, 16);
        counter[15] = 2;
        try {
            Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, jdkKey(), new javax.crypto.spec.IvParameterSpec(counter));
            return cipher;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CTR unavailable", e);
        }
    }

    /** libcrypto's, or the JDK's for good when libcrypto's cipher functions do not bind. */
    private static final class Native extends AesGcm {
        private final LibCrypto lib;
        private final byte[] key;
        private final Jdk jdk;

        Native(LibCrypto lib, SecretKey key) {
            this.lib = lib;
            this.key = key.getEncoded();
            if (this.key.length != 32) {
                throw new IllegalArgumentException("AES-256 needs a 32-byte key");
            }
            this.jdk = new Jdk(key); // cheap: its ciphers are made on first use
        }

        @Override
        SecretKey jdkKey() {
            return jdk.key;
        }

        @Override
        public boolean nativeCode() {
            return !lib.cipher().failed(); // libcrypto expected until its binding failed: asking binds nothing
        }

        @Override
        public int encrypt(byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
            if (!lib.cipher().bound()) {
                return jdk.encrypt(nonce, aad, in, inOffset, length, out, outOffset);
            }
            return lib.encrypt(key, nonce, aad, in, inOffset, length, out, outOffset);
        }

        @Override
        public int decrypt(byte[] nonce, int nonceOffset, byte[] aad, byte[] in, int inOffset, int length,
                           byte[] out, int outOffset) throws AEADBadTagException {
            if (!lib.cipher().bound()) {
                return jdk.decrypt(nonce, nonceOffset, aad, in, inOffset, length, out, outOffset);
            }
            if (length < TAG_SIZE) {
                throw new AEADBadTagException("shorter than the tag");
            }
            if (!lib.decrypt(key, nonce, nonceOffset, aad, in, inOffset, length, out, outOffset)) {
                // libcrypto decrypts before it checks the tag: leave no unauthenticated plaintext behind
                java.util.Arrays.fill(out, outOffset, outOffset + length - TAG_SIZE, (byte) 0);
                throw new AEADBadTagException("tag mismatch");
            }
            return length - TAG_SIZE;
        }
    }

    private static final class Jdk extends AesGcm {
        private final SecretKey key;
        private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(() -> {
            try {
                return Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-256-GCM unavailable", e);
            }
        });

        Jdk(SecretKey key) {
            this.key = key;
        }

        @Override
        SecretKey jdkKey() {
            return key;
        }

        @Override
        public boolean nativeCode() {
            return false;
        }

        @Override
        public int encrypt(byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
            try {
                Cipher cipher = ciphers.get();
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_SIZE * 8, nonce));
                cipher.updateAAD(aad);
                return cipher.doFinal(in, inOffset, length, out, outOffset);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-256-GCM unavailable", e);
            }
        }

        @Override
        public int decrypt(byte[] nonce, int nonceOffset, byte[] aad, byte[] in, int inOffset, int length,
                           byte[] out, int outOffset) throws AEADBadTagException {
            try {
                Cipher cipher = ciphers.get();
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_SIZE * 8, nonce, nonceOffset, NONCE_SIZE));
                cipher.updateAAD(aad);
                return cipher.doFinal(in, inOffset, length, out, outOffset);
            } catch (AEADBadTagException e) {
                throw e;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-256-GCM: " + e.getMessage(), e);
            }
        }
    }
}
