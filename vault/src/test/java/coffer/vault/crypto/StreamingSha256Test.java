package coffer.vault.crypto;

import coffer.testing.TestData;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SHA-256 given in pieces, by libcrypto and by the JDK, equals the JDK's SHA-256 of the whole. */
class StreamingSha256Test {
    private static byte[] whole(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static byte[] inPieces(StreamingSha256 digest, byte[] data) {
        int[] pieces = {0, 1, 31, 64, 65_536, 100_000, 7};
        int at = 0;
        for (int k = 0; at < data.length; k++) {
            int n = Math.min(pieces[k % pieces.length], data.length - at);
            digest.update(data, at, n);
            at += n;
        }
        return digest.digest();
    }

    @Test
    void libCryptoInPiecesEqualsTheWhole() throws Exception {
        Optional<LibCrypto> lib = LibCrypto.get();
        assertTrue(lib.isPresent(), "libcrypto.so.3 is on this machine");
        byte[] data = TestData.random(5, 1_000_003);
        try (StreamingSha256 digest = StreamingSha256.create(lib)) {
            assertArrayEquals(whole(data), inPieces(digest, data));
        }
        try (StreamingSha256 empty = StreamingSha256.create(lib)) {
            assertArrayEquals(whole(new byte[0]), empty.digest());
        }
        StreamingSha256 unfinished = StreamingSha256.create(lib);
        unfinished.update(data, 0, 10);
        unfinished.close(); // frees the context of one never finished
    }

    @Test
    void theJdkInPiecesEqualsTheWhole() throws Exception {
        byte[] data = TestData.random(6, 300_001);
        try (StreamingSha256 digest = StreamingSha256.create(Optional.empty())) {
            assertArrayEquals(whole(data), inPieces(digest, data));
        }
    }
}
