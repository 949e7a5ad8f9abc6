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
    void indexVersion2IsUnsupported() {
        byte[] body = sample().encode();
        ByteBuffer.wrap(body).putShort(4, (short) 2);
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class, () -> FixedIndex.decode(NAME, body));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }
}
