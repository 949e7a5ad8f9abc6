package coffer.vault.crypto;

import coffer.testing.Environment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.AEADBadTagException;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streaming AES-256-GCM of objects larger than an array ({@link AesGcm#encryption}, {@link AesGcm#decryption}):
 * libcrypto's and the JDK's give the same bytes as the one-shot {@link AesGcm#encrypt} of the whole, whatever the
 * pieces they are given (so a streamed object sealed by either reads with the other, and the stored format does not
 * depend on which ran), each decrypts what the other encrypted, and a changed ciphertext, tag or AAD fails in both.
 */
class StreamingGcmCrossCheckTest {
    private final SplittableRandom random = new SplittableRandom(23);
    private AesGcm fast;
    private AesGcm jdk;

    @BeforeEach
    void keys() {
        Environment.need(LibCrypto.get().isPresent(), "libcrypto.so.3 (OpenSSL 3) could not be loaded");
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        fast = AesGcm.of(new SecretKeySpec(raw, "AES"));
        jdk = AesGcm.jdk(new SecretKeySpec(raw, "AES"));
        assertTrue(fast.nativeCode());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, 65_536, 65_537, 300_001})
    void bothStreamTheOneShotsBytesAndOpenEachOthers(int length) throws Exception {
        byte[] plain = bytes(length);
        byte[] nonce = bytes(12);
        byte[] aad = bytes(94);
        byte[] whole = new byte[length + 16];
        jdk.encrypt(nonce, aad, plain, 0, length, whole, 0);
        for (AesGcm cipher : new AesGcm[]{fast, jdk}) {
            assertArrayEquals(whole, encrypt(cipher, nonce, aad, plain), cipher.nativeCode() ? "libcrypto" : "JDK");
            for (AesGcm other : new AesGcm[]{fast, jdk}) {
                assertArrayEquals(plain, decrypt(other, nonce, aad, encrypt(cipher, nonce, aad, plain)));
            }
        }
        for (int flip : new int[]{0, length / 2, length + 15}) {
            if (flip >= whole.length) {
                continue;
            }
            byte[] damaged = whole.clone();
            damaged[flip] ^= 1;
            for (AesGcm cipher : new AesGcm[]{fast, jdk}) {
                assertThrows(AEADBadTagException.class, () -> decrypt(cipher, nonce, aad, damaged));
                byte[] otherAad = aad.clone();
                otherAad[3] ^= 1;
                assertThrows(AEADBadTagException.class, () -> decrypt(cipher, nonce, otherAad, whole));
            }
        }
    }

    /** Encrypts in pieces of random sizes. */
    private byte[] encrypt(AesGcm cipher, byte[] nonce, byte[] aad, byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AesGcm.Encryption gcm = cipher.encryption(nonce, aad)) {
            byte[] buffer = new byte[70_000 + 16];
            for (int off = 0; off < plain.length; ) {
                int n = Math.min(plain.length - off, 1 + random.nextInt(70_000));
                out.write(buffer, 0, gcm.update(plain, off, n, buffer, 0));
                off += n;
            }
            out.writeBytes(gcm.finish());
        }
        return out.toByteArray();
    }

    private byte[] decrypt(AesGcm cipher, byte[] nonce, byte[] aad, byte[] sealed) throws AEADBadTagException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int length = sealed.length - 16;
        try (AesGcm.Decryption gcm = cipher.decryption(nonce, aad)) {
            byte[] buffer = new byte[70_000 + 16];
            for (int off = 0; off < length; ) {
                int n = Math.min(length - off, 1 + random.nextInt(70_000));
                out.write(buffer, 0, gcm.update(sealed, off, n, buffer, 0));
                off += n;
            }
            out.writeBytes(gcm.finish(Arrays.copyOfRange(sealed, length, sealed.length)));
        }
        return out.toByteArray();
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
