package coffer.vault.crypto;

import coffer.testing.TestData;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class SubKeysTest {
    private static final byte[] DATA_KEY = TestData.random(1, 32);

    @Test
    void derivationIsDeterministicPerDataKeyAndVault() {
        SubKeys a = SubKeys.derive(DATA_KEY, "vault-1");
        SubKeys b = SubKeys.derive(DATA_KEY, "vault-1");
        assertArrayEquals(a.chunkId().getEncoded(), b.chunkId().getEncoded());
        assertArrayEquals(a.object().getEncoded(), b.object().getEncoded());
        assertEquals(32, a.object().getEncoded().length);
    }

    @Test
    void eachPurposeAndEachVaultGetsItsOwnKey() {
        SubKeys a = SubKeys.derive(DATA_KEY, "vault-1");
        SubKeys other = SubKeys.derive(DATA_KEY, "vault-2");
        assertFalse(java.util.Arrays.equals(a.chunkId().getEncoded(), a.object().getEncoded()));
        assertFalse(java.util.Arrays.equals(a.object().getEncoded(), other.object().getEncoded()));
        assertFalse(java.util.Arrays.equals(a.chunkId().getEncoded(), other.chunkId().getEncoded()));
    }

    @Test
    void subKeysAreRedactedInToString() {
        assertEquals("SubKeys[redacted]", SubKeys.derive(DATA_KEY, "vault-1").toString());
    }

    @Test
    void sha256ChunkIdsAreThePlainDigest() throws Exception {
        byte[] data = TestData.text(2, 10_000);
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOfRange(data, 100, 5100));
        assertEquals(java.util.HexFormat.of().formatHex(expected), ChunkDigester.sha256().digest(data, 100, 5000).hex());
        assertEquals("sha256", ChunkDigester.sha256().algorithm());
    }

    @Test
    void keyedChunkIdsDependOnTheVaultKey() {
        byte[] data = TestData.text(3, 10_000);
        ChunkDigester one = ChunkDigester.hmacSha256(SubKeys.derive(DATA_KEY, "vault-1").chunkId());
        ChunkDigester two = ChunkDigester.hmacSha256(SubKeys.derive(DATA_KEY, "vault-2").chunkId());
        assertEquals(one.digest(data, 0, data.length), one.digest(data, 0, data.length));
        assertNotEquals(one.digest(data, 0, data.length), two.digest(data, 0, data.length));
        assertNotEquals(ChunkDigester.sha256().digest(data, 0, data.length), one.digest(data, 0, data.length));
        assertEquals("hmac-sha256", one.algorithm());
    }

    @Test
    void libcryptosHkdfDerivesTheKeysOfTheJdksKdf() {
        LibCrypto lib = LibCrypto.get().orElseThrow(() -> new AssertionError("libcrypto is on this machine"));
        for (String vaultId : new String[]{"vault-1", "0b7f6a52-6c1e-4a8e-9a51-3c2f4d8e9b10", "é"}) {
            for (byte[] dataKey : new byte[][]{DATA_KEY, new byte[32], coffer.testing.TestData.random(7, 32)}) {
                SubKeys jdk = SubKeys.deriveByJdk(dataKey, vaultId);
                SubKeys native_ = SubKeys.derive(lib, dataKey, vaultId);
                assertArrayEquals(jdk.chunkId().getEncoded(), native_.chunkId().getEncoded());
                assertArrayEquals(jdk.object().getEncoded(), native_.object().getEncoded());
                assertEquals(jdk.chunkId().getAlgorithm(), native_.chunkId().getAlgorithm());
                assertEquals(jdk.object().getAlgorithm(), native_.object().getAlgorithm());
            }
        }
    }
}
