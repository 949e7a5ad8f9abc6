package coffer.vault.format;

import coffer.testing.TestData;
import coffer.testing.TestSeed;
import coffer.vault.CorruptDataException;
import coffer.vault.UnsupportedFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ObjectCodecTest {
    private static final String NAME = "chunks/ab/abcdef";
    private static final int FLAGS = 6;
    private static final int FLAG_ZSTD = 1;

    private static SecretKey key(int seed) {
        return new SecretKeySpec(TestData.random(seed, 32), "AES");
    }

    private static ObjectCodec codec(boolean encrypted) {
        return new ObjectCodec(encrypted ? key(7) : null, 1);
    }

    private static byte[] seal(ObjectCodec codec, ObjectKind kind, String name, byte[] plain, boolean sampleFirst) {
        ByteBuffer sealed = codec.seal(kind, name, plain, plain.length, sampleFirst);
        byte[] copy = new byte[sealed.remaining()];
        sealed.get(copy);
        return copy;
    }

    private static byte[] seal(ObjectCodec codec, byte[] plain) {
        return seal(codec, ObjectKind.CHUNK, NAME, plain, true);
    }

    private static byte[] open(ObjectCodec codec, byte[] stored) throws Exception {
        return codec.open(ObjectKind.CHUNK, NAME, ByteBuffer.wrap(stored));
    }

    // ---- round trips ------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyKindOfContentRoundTrips(boolean encrypted) throws Exception {
        ObjectCodec codec = codec(encrypted);
        byte[][] contents = {new byte[0], {42}, TestData.text(1, 1000), TestData.text(2, 256 * 1024),
                TestData.random(3, 256 * 1024), new byte[256 * 1024], TestData.random(4, 17)};
        for (byte[] plain : contents) {
            for (boolean sampleFirst : new boolean[]{false, true}) {
                byte[] stored = seal(codec, ObjectKind.CHUNK, NAME, plain, sampleFirst);
                assertArrayEquals(plain, open(codec, stored), plain.length + " bytes, sampleFirst " + sampleFirst);
                byte[] into = new byte[256 * 1024];
                int n = codec.open(ObjectKind.CHUNK, NAME, ByteBuffer.wrap(stored), into);
                assertEquals(plain.length, n);
                assertArrayEquals(plain, java.util.Arrays.copyOf(into, n));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void opensAnObjectAtAnyBufferPositionAndFromDirectMemory(boolean encrypted) throws Exception {
        ObjectCodec codec = codec(encrypted);
        byte[] plain = TestData.text(5, 50_000);
        byte[] stored = seal(codec, plain);
        byte[] padded = new byte[stored.length + 100];
        System.arraycopy(stored, 0, padded, 37, stored.length);
        ByteBuffer offsetView = ByteBuffer.wrap(padded, 37, stored.length).slice();
        assertArrayEquals(plain, codec.open(ObjectKind.CHUNK, NAME, offsetView));
        ByteBuffer positioned = ByteBuffer.wrap(padded, 37, stored.length);
        assertArrayEquals(plain, codec.open(ObjectKind.CHUNK, NAME, positioned));
        ByteBuffer direct = ByteBuffer.allocateDirect(stored.length).put(stored).flip();
        assertArrayEquals(plain, codec.open(ObjectKind.CHUNK, NAME, direct));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void compressibleDataIsStoredCompressedAndSmaller(boolean encrypted) throws Exception {
        byte[] text = TestData.text(6, 256 * 1024);
        byte[] stored = seal(codec(encrypted), text);
        assertEquals(FLAG_ZSTD, stored[FLAGS] & FLAG_ZSTD, "compressed flag");
        assertTrue(stored.length < text.length / 2, "stored " + stored.length + " bytes of " + text.length);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void incompressibleDataIsNotFlaggedCompressed(boolean encrypted) throws Exception {
        byte[] random = TestData.random(7, 256 * 1024);
        for (boolean sampleFirst : new boolean[]{false, true}) {
            byte[] stored = seal(codec(encrypted), ObjectKind.CHUNK, NAME, random, sampleFirst);
            assertEquals(0, stored[FLAGS] & FLAG_ZSTD, "compressed flag, sampleFirst " + sampleFirst);
            int overhead = encrypted ? ObjectCodec.HEADER_SIZE + 12 + 16 : ObjectCodec.HEADER_SIZE + 4;
            assertEquals(random.length + overhead, stored.length);
        }
    }

    @Test
    void encryptedObjectsDoNotContainTheirPlaintext() {
        byte[] plain = TestData.random(8, 4096);
        byte[] stored = seal(codec(true), plain);
        String hexStored = java.util.HexFormat.of().formatHex(stored);
        String hexProbe = java.util.HexFormat.of().formatHex(plain, 100, 132);
        assertTrue(!hexStored.contains(hexProbe), "plaintext visible in the sealed object");
    }

    // ---- damage ------------------------------------------------------------------------------------

    /**
     * Flips one seeded random bit in each byte of a small object. Byte 4 is the envelope version: a changed
     * version cannot be told from a newer format, so it is reported as unsupported; every other byte is
     * covered by the CRC-32C or the GCM tag.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aFlippedBitAnywhereInTheObjectIsDetected(boolean encrypted) throws Exception {
        long seed = TestSeed.of("ObjectCodecTest flipped bits, encrypted=" + encrypted);
        Random random = new Random(seed);
        ObjectCodec codec = codec(encrypted);
        for (byte[] plain : new byte[][]{TestData.text(random.nextLong(), 600), TestData.random(random.nextLong(), 300)}) {
            byte[] stored = seal(codec, plain);
            for (int position = 0; position < stored.length; position++) {
                int bit = random.nextInt(8);
                byte[] damaged = TestData.flipBit(stored, position * 8L + bit);
                String where = "seed " + seed + ", byte " + position + " bit " + bit + " of " + stored.length;
                assertDetected(codec, damaged, position, where);
            }
        }
    }

    /** Every bit of the header, including the lengths a reader sizes its buffers by. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyBitOfTheHeaderIsCovered(boolean encrypted) throws Exception {
        ObjectCodec codec = codec(encrypted);
        for (byte[] plain : new byte[][]{TestData.text(9, 3000), TestData.random(10, 500)}) {
            byte[] stored = seal(codec, plain);
            for (int bit = 0; bit < ObjectCodec.HEADER_SIZE * 8; bit++) {
                assertDetected(codec, TestData.flipBit(stored, bit), bit / 8, "header bit " + bit);
            }
        }
    }

    private static void assertDetected(ObjectCodec codec, byte[] damaged, int position, String where) {
        try {
            byte[] opened = codec.open(ObjectKind.CHUNK, NAME, ByteBuffer.wrap(damaged));
            fail("damage at " + where + " not detected; opened " + opened.length + " bytes");
        } catch (CorruptDataException e) {
            if (position == 4) {
                fail("a changed envelope version should be reported as unsupported, at " + where + ": " + e.getMessage());
            }
            assertTrue(e.getMessage().contains(NAME), e.getMessage());
        } catch (UnsupportedFormatException e) {
            if (position != 4) {
                fail("damage at " + where + " reported as unsupported format: " + e.getMessage());
            }
        } catch (Throwable t) {
            throw new AssertionError("damage at " + where + " failed with " + t, t);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aTruncatedObjectIsCorrupt(boolean encrypted) throws Exception {
        ObjectCodec codec = codec(encrypted);
        byte[] stored = seal(codec, TestData.text(11, 2000));
        for (int length = 0; length < stored.length; length++) {
            byte[] truncated = java.util.Arrays.copyOf(stored, length);
            int l = length;
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> open(codec, truncated),
                    "truncated to " + l + " of " + stored.length);
            assertEquals(NAME, e.object());
        }
        byte[] extended = java.util.Arrays.copyOf(stored, stored.length + 1);
        assertThrows(CorruptDataException.class, () -> open(codec, extended), "one byte appended");
    }

    @Test
    void anEncryptedObjectOpenedUnderAnotherNameFails() {
        ObjectCodec codec = codec(true);
        byte[] stored = seal(codec, TestData.text(12, 5000));
        CorruptDataException e = assertThrows(CorruptDataException.class,
                () -> codec.open(ObjectKind.CHUNK, "chunks/cd/cdef01", ByteBuffer.wrap(stored)));
        assertTrue(e.check().contains("authentication"), e.getMessage());
    }

    /** Unencrypted objects do not bind their name; the vault re-hashes chunks there (see DamageTest). */
    @Test
    void anUnencryptedObjectDoesNotBindItsName() throws Exception {
        ObjectCodec codec = codec(false);
        byte[] plain = TestData.text(13, 5000);
        byte[] stored = seal(codec, plain);
        assertArrayEquals(plain, codec.open(ObjectKind.CHUNK, "chunks/cd/cdef01", ByteBuffer.wrap(stored)));
    }

    @Test
    void anObjectSealedWithAnotherKeyFails() {
        byte[] stored = seal(new ObjectCodec(key(1), 1), TestData.text(14, 5000));
        assertThrows(CorruptDataException.class, () -> open(new ObjectCodec(key(2), 1), stored));
    }

    @Test
    void anEncryptedCodecRefusesUnencryptedObjects() {
        byte[] stored = seal(codec(false), TestData.text(15, 5000));
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> open(codec(true), stored));
        assertTrue(e.check().contains("not encrypted"), e.getMessage());
    }

    @Test
    void anUnencryptedCodecRefusesEncryptedObjects() {
        byte[] stored = seal(codec(true), TestData.text(16, 5000));
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> open(codec(false), stored));
        assertTrue(e.check().contains("encrypted"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void envelopeVersion2IsUnsupported(boolean encrypted) {
        byte[] stored = seal(codec(encrypted), TestData.text(17, 5000));
        stored[4] = 2;
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> open(codec(encrypted), stored));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
        assertTrue(e.getMessage().contains("up to 1"), e.getMessage());
        assertTrue(e.getMessage().contains(NAME), e.getMessage());
    }

    @Test
    void anObjectOfAnotherKindIsCorrupt() {
        ObjectCodec codec = codec(false);
        byte[] stored = seal(codec, ObjectKind.INDEX, NAME, TestData.text(18, 100), false);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> open(codec, stored));
        assertTrue(e.check().contains("INDEX"), e.getMessage());
    }

    @Test
    void anObjectWithoutTheMagicIsCorrupt() {
        byte[] stored = TestData.text(19, 100);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> open(codec(false), stored));
        assertTrue(e.check().startsWith("bad magic"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aPlaintextLargerThanTheTargetBufferIsCorrupt(boolean encrypted) {
        ObjectCodec codec = codec(encrypted);
        byte[] stored = seal(codec, TestData.text(20, 10_000));
        assertThrows(CorruptDataException.class,
                () -> codec.open(ObjectKind.CHUNK, NAME, ByteBuffer.wrap(stored), new byte[9_999]));
    }

    // ---- the LZ4 codec (docs/format/objects.md, flag bit 2) ----------------------------------------------

    private static final int FLAG_LZ4 = 4;

    private static ObjectCodec lz4(boolean encrypted) {
        return new ObjectCodec(encrypted ? key(7) : null, Compression.LZ4, 1);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void lz4RoundTripsEveryKindOfContentAndAZstdCodecOpensItsObjects(boolean encrypted) throws Exception {
        ObjectCodec lz4 = lz4(encrypted);
        ObjectCodec zstd = codec(encrypted);
        byte[][] contents = {new byte[0], {42}, TestData.text(1, 1000), TestData.text(2, 256 * 1024),
                TestData.random(3, 256 * 1024), new byte[256 * 1024], TestData.random(4, 17)};
        for (byte[] plain : contents) {
            for (boolean sampleFirst : new boolean[]{false, true}) {
                byte[] stored = seal(lz4, ObjectKind.CHUNK, NAME, plain, sampleFirst);
                assertEquals(0, stored[FLAGS] & FLAG_ZSTD, "never flagged zstd");
                assertArrayEquals(plain, open(lz4, stored), plain.length + " bytes, sampleFirst " + sampleFirst);
                assertArrayEquals(plain, open(zstd, stored), "a zstd vault's codec opens it too");
                byte[] into = new byte[256 * 1024];
                int n = lz4.open(ObjectKind.CHUNK, NAME, ByteBuffer.wrap(stored), into);
                assertArrayEquals(plain, java.util.Arrays.copyOf(into, n));
                byte[] zstdStored = seal(zstd, ObjectKind.CHUNK, NAME, plain, sampleFirst);
                assertArrayEquals(plain, open(lz4, zstdStored), "an LZ4 vault's codec opens zstd objects");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void lz4FlagsCompressibleDataWithBit2AndStoresItSmallerButLargerThanZstd(boolean encrypted) {
        byte[] text = TestData.text(6, 256 * 1024);
        byte[] stored = seal(lz4(encrypted), text);
        assertEquals(FLAG_LZ4, stored[FLAGS] & (FLAG_LZ4 | FLAG_ZSTD), "LZ4 flag only");
        byte[] zstdStored = seal(codec(encrypted), text);
        assertTrue(stored.length < text.length * 0.8 && stored.length > zstdStored.length,
                "lz4 " + stored.length + ", zstd " + zstdStored.length + " of " + text.length);
        byte[] random = TestData.random(7, 256 * 1024);
        assertEquals(0, seal(lz4(encrypted), random)[FLAGS] & (FLAG_LZ4 | FLAG_ZSTD), "random data stays raw");
    }

    @Test
    void anObjectFlaggedBothZstdAndLz4IsCorrupt() {
        byte[] stored = seal(codec(false), TestData.text(21, 5000));
        stored[FLAGS] |= FLAG_LZ4;
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> open(codec(false), stored));
        assertTrue(e.check().contains("flags"), e.getMessage());
    }

    @Test
    void aDamagedLz4PayloadWithAValidChecksumIsCorruptNotACrash() throws Exception {
        byte[] stored = seal(lz4(false), TestData.text(22, 64 * 1024));
        assertEquals(FLAG_LZ4, stored[FLAGS] & FLAG_LZ4);
        int payloadEnd = stored.length - 4;
        for (int at = ObjectCodec.HEADER_SIZE; at < payloadEnd; at += 97) {
            byte[] damaged = stored.clone();
            damaged[at] ^= (byte) 0xA5;
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(damaged, 0, payloadEnd);
            ByteBuffer.wrap(damaged, payloadEnd, 4).putInt((int) crc.getValue());
            try {
                byte[] opened = open(lz4(false), damaged);
                assertEquals(64 * 1024, opened.length, "when a damaged block still decodes, it fills exactly the plaintext length");
            } catch (CorruptDataException expected) {
                assertTrue(expected.check().startsWith("lz4") || expected.check().startsWith("decompressed"), expected.getMessage());
            }
        }
    }
}
