package coffer.vault.crypto;

import coffer.testing.Environment;
import coffer.vault.CorruptDataException;
import coffer.vault.format.ObjectCodec;
import coffer.vault.format.ObjectKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libcrypto and the JDK must be interchangeable: what one seals the other opens, digests are equal, and a
 * tampered tag, AAD or ciphertext fails in both. (The vault's bytes must not depend on which one ran.)
 */
class LibCryptoCrossCheckTest {
    private final SplittableRandom random = new SplittableRandom(7);
    private SecretKey key;
    private AesGcm fast;
    private AesGcm jdk;

    @BeforeEach
    void keys() {
        Environment.need(LibCrypto.get().isPresent(), "libcrypto.so.3 (OpenSSL 3) could not be loaded");
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        key = new SecretKeySpec(raw, "AES");
        fast = AesGcm.of(key);
        jdk = AesGcm.jdk(key);
        assertTrue(fast.nativeCode());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, 4096, 524_288, 524_291})
    void eachOpensWhatTheOtherSealedAndBothProduceTheSameBytes(int length) throws Exception {
        byte[] plain = bytes(length);
        byte[] nonce = bytes(12);
        byte[] aad = bytes(24 + 70);
        byte[] byFast = new byte[length + 16 + 5];
        byte[] byJdk = new byte[length + 16 + 5];
        assertEquals(length + 16, fast.encrypt(nonce, aad, plain, 0, length, byFast, 5));
        assertEquals(length + 16, jdk.encrypt(nonce, aad, plain, 0, length, byJdk, 5));
        assertArrayEquals(byJdk, byFast, "same key, nonce and AAD must give the same ciphertext and tag");

        byte[] back = new byte[length + 3];
        assertEquals(length, jdk.decrypt(nonce, 0, aad, byFast, 5, length + 16, back, 3));
        assertArrayEquals(plain, Arrays.copyOfRange(back, 3, 3 + length));
        Arrays.fill(back, (byte) 0);
        assertEquals(length, fast.decrypt(nonce, 0, aad, byJdk, 5, length + 16, back, 3));
        assertArrayEquals(plain, Arrays.copyOfRange(back, 3, 3 + length));
    }

    @Test
    void aTamperedTagCiphertextOrAadFailsInBoth() {
        int length = 1000;
        byte[] plain = bytes(length);
        byte[] nonce = bytes(12);
        byte[] aad = bytes(40);
        byte[] sealed = new byte[length + 16];
        fast.encrypt(nonce, aad, plain, 0, length, sealed, 0);
        for (int flip : new int[] {0, length / 2, length + 3}) {
            byte[] damaged = sealed.clone();
            damaged[flip] ^= 1;
            for (AesGcm cipher : new AesGcm[] {fast, jdk}) {
                assertThrows(AEADBadTagException.class,
                        () -> cipher.decrypt(nonce, 0, aad, damaged, 0, damaged.length, new byte[length], 0));
            }
        }
        byte[] otherAad = aad.clone();
        otherAad[39] ^= 1;
        for (AesGcm cipher : new AesGcm[] {fast, jdk}) {
            assertThrows(AEADBadTagException.class,
                    () -> cipher.decrypt(nonce, 0, otherAad, sealed, 0, sealed.length, new byte[length], 0));
        }
        byte[] into = new byte[length];
        byte[] damaged = sealed.clone();
        damaged[length + 1] ^= 1; // the tag only: the ciphertext itself would decrypt to the plaintext
        assertThrows(AEADBadTagException.class, () -> fast.decrypt(nonce, 0, aad, damaged, 0, damaged.length, into, 0));
        assertArrayEquals(new byte[length], into, "no unauthenticated plaintext is left in the output");
        byte[] otherKey = new byte[32];
        AesGcm wrong = AesGcm.of(new SecretKeySpec(otherKey, "AES"));
        assertThrows(AEADBadTagException.class,
                () -> wrong.decrypt(nonce, 0, aad, sealed, 0, sealed.length, new byte[length], 0));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 63, 64, 65, 524_288, 1_000_003})
    void digestsAreTheSameAsTheJdks(int length) {
        byte[] data = bytes(length + 9);
        SecretKey idKey = new SecretKeySpec(bytes(32), "HmacSHA256");
        assertTrue(ChunkDigester.sha256().nativeCode());
        assertEquals(ChunkDigester.jdkSha256().digest(data, 9, length), ChunkDigester.sha256().digest(data, 9, length));
        assertEquals(ChunkDigester.jdkHmacSha256(idKey).digest(data, 9, length),
                ChunkDigester.hmacSha256(idKey).digest(data, 9, length));
    }

    @Test
    void vaultObjectsSealedByOneOpenWithTheOther() throws Exception {
        ObjectCodec withFast = ObjectCodec.using(fast, 3);
        ObjectCodec withJdk = ObjectCodec.using(jdk, 3);
        assertTrue(withFast.nativeCode());
        for (byte[] plain : new byte[][] {bytes(300_000), "text text text text ".repeat(20_000).getBytes()}) {
            ByteBuffer sealed = copy(withFast.seal(ObjectKind.CHUNK, "chunks/ab/abcd", plain, plain.length, true));
            assertArrayEquals(plain, withJdk.open(ObjectKind.CHUNK, "chunks/ab/abcd", sealed.duplicate()));
            ByteBuffer back = copy(withJdk.seal(ObjectKind.CHUNK, "chunks/ab/abcd", plain, plain.length, true));
            assertArrayEquals(plain, withFast.open(ObjectKind.CHUNK, "chunks/ab/abcd", back.duplicate()));
            // the name is in the AAD: the same object under another name does not open
            CorruptDataException renamed = assertThrows(CorruptDataException.class,
                    () -> withFast.open(ObjectKind.CHUNK, "chunks/ab/abce", back.duplicate()));
            assertTrue(renamed.getMessage().contains("authentication tag mismatch"), renamed.getMessage());
        }
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate()).flip();
        return c;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
