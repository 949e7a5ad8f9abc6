package coffer.vault.format;

import coffer.vault.ChunkId;
import coffer.vault.CorruptDataException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An index above {@link FixedIndex#heapLimit()} keeps its entries in a temporary file and is encoded and decoded as a
 * stream, to the very bytes the in-heap index has (docs/format/index.md, "Memory"): what it writes, an older reader
 * (the in-heap {@link FixedIndex#decode(String, byte[])}) reads, and the other way round.
 */
class FixedIndexInFileTest {
    private static final int CHUNK = 4096;
    private static final long SIZE = 3000L * CHUNK + 100; // 3001 chunks: 2 blocks of the file, and a short last chunk

    @AfterEach
    void heapLimitAsDefault() {
        System.clearProperty(FixedIndex.HEAP_LIMIT_PROPERTY);
    }

    private static FixedIndex made(boolean inFile) {
        System.setProperty(FixedIndex.HEAP_LIMIT_PROPERTY, inFile ? "0" : Long.toString(1L << 40));
        FixedIndex index = new FixedIndex(SIZE, CHUNK);
        assertEquals(!inFile, index.inHeap());
        // set out of order, over several blocks and more than the cache's slots hold
        for (int i = 3000; i >= 0; i -= 7) {
            index.set(i, id(i));
        }
        index.set(14, ChunkId.ZERO); // back to zeros
        index.setPatch(2100, id(90_000), id(2100), 12);
        index.setPatch(3000, id(90_001), id(3000), 100);
        return index;
    }

    private static ChunkId id(int i) {
        return new ChunkId(i + 1, i * 31L, ~i, 7);
    }

    private static byte[] streamed(FixedIndex index) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        index.encodeTo(out);
        assertEquals(index.encodedLength(), out.size());
        return out.toByteArray();
    }

    @Test
    void anIndexInAFileEncodesToTheBytesOfTheSameIndexOnTheHeap() throws IOException {
        byte[] heap = made(false).encode();
        FixedIndex inFile = made(true);
        assertArrayEquals(heap, streamed(inFile));
        assertThrows(IllegalStateException.class, inFile::encode, "no array of an index kept in a file");
        assertEquals(made(false).checksum(), inFile.checksum());
        assertTrue(inFile.sameAs(made(false)));
    }

    @Test
    void whatTheFileIndexWritesTheHeapReaderReadsAndBack() throws IOException {
        byte[] body = streamed(made(true));
        System.clearProperty(FixedIndex.HEAP_LIMIT_PROPERTY);
        FixedIndex older = FixedIndex.decode("i", body);
        assertTrue(older.inHeap());
        assertEquals(2, older.patchCount());
        assertEquals(id(2100), older.patchOf(2100).base());

        System.setProperty(FixedIndex.HEAP_LIMIT_PROPERTY, "0");
        FixedIndex read = FixedIndex.decode("i", new ByteArrayInputStream(older.encode()), body.length);
        assertFalse(read.inHeap());
        assertEquals(older.checksum(), read.checksum());
        for (int i = 0; i < read.chunkCount(); i++) {
            assertEquals(older.get(i), read.get(i), "entry " + i);
            assertEquals(older.isZero(i), read.isZero(i), "entry " + i);
            assertEquals(older.patchOf(i), read.patchOf(i), "entry " + i);
        }
        assertEquals(ChunkId.ZERO, read.get(14));
        assertEquals(id(3000 - 7), read.get(3000 - 7));
        assertEquals(4096 + 100 - 4096, read.lengthOf(3000));
    }

    @Test
    void aCopyInAFileIsIndependentAndItsChecksumFollowsChanges() throws IOException {
        FixedIndex index = made(true);
        String before = index.checksum();
        FixedIndex copy = index.copy();
        assertFalse(copy.inHeap());
        assertEquals(before, copy.checksum());
        copy.set(11, id(777));
        assertEquals(id(11), index.get(11), "the original is unchanged");
        assertEquals(before, index.checksum());
        assertFalse(before.equals(copy.checksum()), "a change of an entry changes the checksum");
        copy.set(11, id(11));
        assertEquals(before, copy.checksum());
        assertArrayEquals(streamed(index), streamed(copy));
        copy.setPatch(0, id(1234), id(0), 5);
        assertFalse(before.equals(copy.checksum()), "a new patch record changes the checksum");
        assertNull(index.patchOf(0));
    }

    @Test
    void aDamagedOrTruncatedStreamIsCorruptNotAnIndex() throws IOException {
        byte[] body = streamed(made(true));
        byte[] flipped = body.clone();
        flipped[FixedIndex.HEADER + 32 * 700 + 3] ^= 1;
        CorruptDataException damaged = assertThrows(CorruptDataException.class,
                () -> FixedIndex.decode("i", new ByteArrayInputStream(flipped), flipped.length));
        assertTrue(damaged.getMessage().contains("checksum mismatch"), damaged.getMessage());

        byte[] cut = Arrays.copyOf(body, body.length - 41);
        CorruptDataException truncated = assertThrows(CorruptDataException.class,
                () -> FixedIndex.decode("i", new ByteArrayInputStream(cut), body.length));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());

        byte[] longer = Arrays.copyOf(body, body.length + 1);
        assertThrows(CorruptDataException.class,
                () -> FixedIndex.decode("i", new ByteArrayInputStream(longer), body.length));
    }
}
