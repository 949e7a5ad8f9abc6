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
     * A streaming AES-256-GCM encryption under {@code nonce} and {@code aad}, for objects too large for an array
     * (docs/format/index.md, "Memory"): the same bytes as {@link #encrypt} of the whole. libcrypto's where it is
     * used ({@code EVP_EncryptUpdate}, fast from the first byte), else the JDK's. Close it.
     */
    public abstract Encryption encryption(byte[] nonce, byte[] aad);

    /**
     * A streaming AES-256-GCM decryption under {@code nonce} and {@code aad}: it gives the plaintext as it goes,
     * <b>not authenticated</b> until {@link Decryption#finish} checked the tag; the caller uses nothing before
     * (docs/format/index.md, "Memory"). libcrypto's where it is used (one pass), else the JDK's (whose GCM decryption
     * holds the whole ciphertext until it checks the tag, so the JDK's counter mode decrypts and its GCM encrypts the
     * plaintext again to compute the tag: GCM is deterministic, the same tag means the same ciphertext). Close it.
     */
    public abstract Decryption decryption(byte[] nonce, byte[] aad);

    /** One object's bytes through a streaming cipher, in order. Not thread-safe. */
    public abstract static class Stream implements AutoCloseable {
        private Stream() {
        }

        /**
         * Processes {@code in[inOffset, +length)} into {@code out[outOffset]}, which has room for {@code length + 16}
         * bytes; returns the bytes written (an encryption may hold back up to 15 of them until the next call).
         */
        public abstract int update(byte[] in, int inOffset, int length, byte[] out, int outOffset);

        /** Frees what the cipher holds (libcrypto's context, which wipes the key schedule). */
        @Override
        public void close() {
        }
    }

    /** A streaming encryption. */
    public abstract static class Encryption extends Stream {
        private Encryption() {
        }

        /** The rest of the ciphertext, then the tag. */
        public abstract byte[] finish();
    }

    /** A streaming decryption. */
    public abstract static class Decryption extends Stream {
        private Decryption() {
        }

        /**
         * Checks {@code tag} against the ciphertext given; returns the rest of the plaintext.
         *
         * @throws AEADBadTagException when it does not match (damaged data, another name, or another key)
         */
        public abstract byte[] finish(byte[] tag) throws AEADBadTagException;
    }

    /** The JDK's GCM encryption, which streams. */
    private static final class JdkEncryption extends Encryption {
        private final Cipher gcm;

        JdkEncryption(SecretKey key, byte[] nonce, byte[] aad) {
            try {
                gcm = Cipher.getInstance("AES/GCM/NoPadding");
                gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_SIZE * 8, nonce));
                gcm.updateAAD(aad);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-256-GCM unavailable", e);
            }
        }

        @Override
        public int update(byte[] in, int inOffset, int length, byte[] out, int outOffset) {
            try {
                return gcm.update(in, inOffset, length, out, outOffset);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-256-GCM: " + e.getMessage(), e);
            }
        }

        @Override
        public byte[] finish() {
            try {
                return gcm.doFinal();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-256-GCM: " + e.getMessage(), e);
            }
        }
    }

    /**
     * The JDK's way to stream a GCM decryption: AES-256 in counter mode from GCM's first payload block (counter block
     * nonce || 2) gives the plaintext; the JDK's GCM encryption of that plaintext gives the tag to compare.
     */
    private static final class JdkDecryption extends Decryption {
        private final Cipher ctr;
        private final JdkEncryption again;
        private byte[] scratch = new byte[0];

        JdkDecryption(SecretKey key, byte[] nonce, byte[] aad) {
            byte[] counter = java.util.Arrays.copyOf(nonce, 16);
            counter[15] = 2;
            try {
                ctr = Cipher.getInstance("AES/CTR/NoPadding");
                ctr.init(Cipher.DECRYPT_MODE, key, new javax.crypto.spec.IvParameterSpec(counter));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-256-CTR unavailable", e);
            }
            again = new JdkEncryption(key, nonce, aad);
        }

        @Override
        public int update(byte[] in, int inOffset, int length, byte[] out, int outOffset) {
            try {
                int p = ctr.update(in, inOffset, length, out, outOffset);
                if (scratch.length < p + TAG_SIZE) {
                    scratch = new byte[p + TAG_SIZE];
                }
                again.update(out, outOffset, p, scratch, 0);
                return p;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-256-CTR: " + e.getMessage(), e);
            }
        }

        @Override
        public byte[] finish(byte[] tag) throws AEADBadTagException {
            try {
                byte[] rest = ctr.doFinal();
                byte[] last = again.gcm.doFinal(rest);
                if (!java.security.MessageDigest.isEqual(tag,
                        java.util.Arrays.copyOfRange(last, last.length - TAG_SIZE, last.length))) {
                    throw new AEADBadTagException("tag mismatch");
                }
                return rest;
            } catch (AEADBadTagException e) {
                throw e;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-256-GCM: " + e.getMessage(), e);
            }
        }
    }

    /** libcrypto's streaming GCM ({@code EVP_EncryptUpdate}, {@code EVP_DecryptUpdate}) on one context. */
    private static final class NativeStream {
        private final LibCrypto lib;
        private final boolean encrypt;
        private java.lang.foreign.MemorySegment ctx;

        NativeStream(LibCrypto lib, boolean encrypt, byte[] key, byte[] nonce, byte[] aad) {
            this.lib = lib;
            this.encrypt = encrypt;
            this.ctx = lib.gcmBegin(encrypt, key, nonce, 0, aad);
        }

        int update(byte[] in, int inOffset, int length, byte[] out, int outOffset) {
            return lib.gcmUpdate(open(), encrypt, in, inOffset, length, out, outOffset);
        }

        java.lang.foreign.MemorySegment open() {
            if (ctx == null) {
                throw new IllegalStateException("the cipher was closed");
            }
            return ctx;
        }

        void close() {
            if (ctx != null) {
                lib.gcmFree(ctx);
                ctx = null;
            }
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
        public Encryption encryption(byte[] nonce, byte[] aad) {
            if (!lib.cipher().bound()) {
                return jdk.encryption(nonce, aad);
            }
            NativeStream stream = new NativeStream(lib, true, key, nonce, aad);
            return new Encryption() {
                @Override
                public int update(byte[] in, int inOffset, int length, byte[] out, int outOffset) {
                    return stream.update(in, inOffset, length, out, outOffset);
                }

                @Override
                public byte[] finish() {
                    return lib.gcmEncryptEnd(stream.open());
                }

                @Override
                public void close() {
                    stream.close();
                }
            };
        }

        @Override
        public Decryption decryption(byte[] nonce, byte[] aad) {
            if (!lib.cipher().bound()) {
                return jdk.decryption(nonce, aad);
            }
            NativeStream stream = new NativeStream(lib, false, key, nonce, aad);
            return new Decryption() {
                @Override
                public int update(byte[] in, int inOffset, int length, byte[] out, int outOffset) {
                    return stream.update(in, inOffset, length, out, outOffset);
                }

                @Override
                public byte[] finish(byte[] tag) throws AEADBadTagException {
                    if (tag.length != TAG_SIZE || !lib.gcmDecryptEnd(stream.open(), tag, 0)) {
                        throw new AEADBadTagException("tag mismatch");
                    }
                    return new byte[0];
                }

                @Override
                public void close() {
                    stream.close();
                }
            };
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
        public Encryption encryption(byte[] nonce, byte[] aad) {
            return new JdkEncryption(key, nonce, aad);
        }

        @Override
        public Decryption decryption(byte[] nonce, byte[] aad) {
            return new JdkDecryption(key, nonce, aad);
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
