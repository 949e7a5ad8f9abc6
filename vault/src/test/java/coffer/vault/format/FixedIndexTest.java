package coffer.vault.format;

import coffer.testing.TestData;
import coffer.vault.ChunkId;
import coffer.vault.CorruptDataException;
import coffer.vault.UnsupportedFormatException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FixedIndexTest {
    private static final int CHUNK = 256 * 1024;
    private static final String NAME = "points/20260101-000000-0a1b2c3d/disk-0.fidx";

    private static FixedIndex sample() {
        FixedIndex index = new FixedIndex(3L * CHUNK + 100, CHUNK);
        index.set(0, ChunkId.of(TestData.random(1, 32), 0));
        index.set(1, ChunkId.ZERO);
        index.set(2, ChunkId.of(TestData.random(2, 32), 0));
        index.set(3, ChunkId.of(TestData.random(3, 32), 0));
        return index;
    }

    @Test
    void anIndexRoundTripsThroughItsEncoding() throws Exception {
        FixedIndex index = sample();
        FixedIndex decoded = FixedIndex.decode(NAME, index.encode());
        assertEquals(index.diskSize(), decoded.diskSize());
        assertEquals(CHUNK, decoded.chunkSize());
        assertEquals(4, decoded.chunkCount());
        for (int i = 0; i < 4; i++) {
            assertEquals(index.get(i), decoded.get(i));
        }
        assertEquals(index.checksum(), decoded.checksum());
    }

    @Test
    void theLastChunkCoversTheRemainderOfTheDisk() {
        FixedIndex index = sample();
        assertEquals(CHUNK, index.lengthOf(0));
        assertEquals(100, index.lengthOf(3));
        assertEquals(0, new FixedIndex(0, CHUNK).chunkCount());
        assertEquals(1, new FixedIndex(1, CHUNK).chunkCount());
        assertEquals(1, new FixedIndex(CHUNK, CHUNK).chunkCount());
        assertEquals(2, new FixedIndex(CHUNK + 1, CHUNK).chunkCount());
    }

    @Test
    void theChecksumCoversEveryEntry() {
        FixedIndex index = sample();
        String before = index.checksum();
        FixedIndex changed = index.copy();
        changed.set(1, ChunkId.of(TestData.random(4, 32), 0));
        assertNotEquals(before, changed.checksum());
        assertEquals(before, index.checksum(), "a copy is independent");
    }

    @Test
    void aTruncatedIndexIsCorrupt() {
        byte[] body = sample().encode();
        for (int length : new int[]{0, 10, 63, 64, 64 + 32, body.length - 1}) {
            byte[] truncated = Arrays.copyOf(body, length);
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> FixedIndex.decode(NAME, truncated),
                    "truncated to " + length);
            assertTrue(e.check().contains("truncated"), e.getMessage());
            assertEquals(NAME, e.object());
        }
    }

    @Test
    void aChangedEntryFailsTheChecksum() {
        byte[] body = sample().encode();
        body[body.length - 5] ^= 1;
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> FixedIndex.decode(NAME, body));
        assertTrue(e.check().contains("checksum"), e.getMessage());
    }

    @Test
    void anInconsistentHeaderIsCorrupt() {
        byte[] body = sample().encode();
        ByteBuffer.wrap(body).putLong(24, 5); // chunk count: 4 for this size
        assertThrows(CorruptDataException.class, () -> FixedIndex.decode(NAME, body));
        byte[] zeroChunk = sample().encode();
        ByteBuffer.wrap(zeroChunk).putInt(8, 0);
        assertThrows(CorruptDataException.class, () -> FixedIndex.decode(NAME, zeroChunk));
    }

    @Test
    void aBadMagicIsCorrupt() {
        byte[] body = sample().encode();
        body[0] = 'X';
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> FixedIndex.decode(NAME, body));
        assertTrue(e.check().contains("magic"), e.getMessage());
    }

    @Test
    void anIndexWithoutPatchesIsWrittenAsVersion1() throws Exception {
        byte[] body = sample().encode();
        assertEquals(1, ByteBuffer.wrap(body).getShort(4));
        assertEquals(64 + 4 * 32, body.length);
        assertEquals(0, ByteBuffer.wrap(body).getInt(12));
    }

    private static FixedIndex withPatches() {
        FixedIndex index = sample();
        index.setPatch(2, ChunkId.of(TestData.random(5, 32), 0), ChunkId.of(TestData.random(2, 32), 0), 4096);
        index.setPatch(0, ChunkId.of(TestData.random(6, 32), 0), ChunkId.of(TestData.random(1, 32), 0), CHUNK / 2);
        return index;
    }

    @Test
    void patchEntriesRoundTripAsVersion2() throws Exception {
        FixedIndex index = withPatches();
        byte[] body = index.encode();
        assertEquals(2, ByteBuffer.wrap(body).getShort(4));
        assertEquals(2, ByteBuffer.wrap(body).getInt(12), "patch count");
        assertEquals(64 + 4 * 32 + 2 * 40, body.length);
        FixedIndex decoded = FixedIndex.decode(NAME, body);
        assertEquals(2, decoded.patchCount());
        assertEquals(new FixedIndex.Patched(ChunkId.of(TestData.random(1, 32), 0), CHUNK / 2), decoded.patchOf(0));
        assertEquals(new FixedIndex.Patched(ChunkId.of(TestData.random(2, 32), 0), 4096), decoded.patchOf(2));
        assertEquals(null, decoded.patchOf(3));
        assertEquals(index.get(2), decoded.get(2));
        assertEquals(index.checksum(), decoded.checksum());
        assertTrue(Arrays.equals(body, decoded.encode()), "re-encodes byte for byte");
        assertEquals(index.checksum(), index.copy().checksum(), "a copy keeps the patch records");
    }

    @Test
    void theChecksumIsTheSha256OfTheEntriesThenThePatchRecords() throws Exception {
        // as docs/format/index.md defines it, whichever engine (libcrypto or the JDK) computes it
        for (FixedIndex index : new FixedIndex[] {sample(), withPatches()}) {
            byte[] body = index.encode();
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update(body, 64, body.length - 64); // the entries, then the patch records, to the end
            assertEquals(java.util.HexFormat.of().formatHex(sha.digest()), index.checksum());
            assertEquals(index.checksum(), java.util.HexFormat.of().formatHex(body, 32, 64), "the header's checksum");
        }
    }

    @Test
    void theChecksumCoversThePatchRecords() {
        FixedIndex index = withPatches();
        FixedIndex otherBase = index.copy();
        otherBase.setPatch(2, index.get(2), ChunkId.of(TestData.random(7, 32), 0), 4096);
        assertNotEquals(index.checksum(), otherBase.checksum());
        FixedIndex plain = index.copy();
        plain.set(2, index.get(2));
        plain.set(0, index.get(0));
        assertEquals(0, plain.patchCount(), "set replaces a patch entry");
        assertNotEquals(index.checksum(), plain.checksum(), "same entries, no patch records");
    }

    @Test
    void isZeroTellsZeroEntriesApart() {
        FixedIndex index = sample();
        assertTrue(index.isZero(1));
        assertTrue(!index.isZero(0) && !index.isZero(2) && !index.isZero(3));
        byte[] oneBit = new byte[32];
        oneBit[31] = 1;
        index.set(1, ChunkId.of(oneBit, 0));
        assertTrue(!index.isZero(1), "a non-zero last byte");
    }

    @Test
    void inconsistentPatchRecordsAreCorrupt() throws Exception {
        byte[] good = withPatches().encode();
        int records = 64 + 4 * 32;
        byte[] unordered = good.clone();
        ByteBuffer.wrap(unordered).putInt(records + 40, 0); // second record names chunk 0 again
        byte[] onZero = good.clone();
        ByteBuffer.wrap(onZero).putInt(records, 1);        // chunk 1 is a zero entry
        byte[] tooMany = good.clone();
        ByteBuffer.wrap(tooMany).putInt(records + 4, CHUNK + 1);
        byte[] truncated = Arrays.copyOf(good, good.length - 40);
        for (byte[] body : new byte[][] {unordered, onZero, tooMany, truncated}) {
            assertThrows(CorruptDataException.class, () -> FixedIndex.decode(NAME, body));
        }
        byte[] version1WithPatches = good.clone();
        ByteBuffer.wrap(version1WithPatches).putShort(4, (short) 1);
        assertThrows(CorruptDataException.class, () -> FixedIndex.decode(NAME, version1WithPatches));
    }

    @Test
    void indexVersion3IsUnsupported() {
        byte[] body = sample().encode();
        ByteBuffer.wrap(body).putShort(4, (short) 3);
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> FixedIndex.decode(NAME, body));
        assertTrue(e.getMessage().contains("version 3"), e.getMessage());
    }
}
