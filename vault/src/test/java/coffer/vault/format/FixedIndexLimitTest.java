package coffer.vault.format;

import coffer.vault.ChunkId;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Since session 21 a disk whose index is larger than the whole heap is made, its entries in a temporary file; refused
 * is only a disk of more chunks than an index can number (2^31 - 1), naming the chunk size to change
 * (docs/format/index.md, "Memory"; docs/reliability.md, session 19 and 21).
 */
class FixedIndexLimitTest {
    private static final int CHUNK = 512 * 1024;

    @Test
    void anIndexLargerThanTheWholeHeapIsKeptInAFile() {
        long heap = Runtime.getRuntime().maxMemory();
        long chunks = Math.min(heap / 32 + 1, Integer.MAX_VALUE - 1); // more entries than the heap holds (or the most)
        FixedIndex index = new FixedIndex(chunks * CHUNK, CHUNK);
        assertFalse(index.inHeap());
        assertEquals(chunks, index.chunkCount());
        ChunkId last = new ChunkId(1, 2, 3, 4);
        index.set((int) chunks - 1, last);
        assertEquals(last, index.get((int) chunks - 1));
        assertTrue(index.isZero(0));
    }

    @Test
    void aSixteenTebibyteDiskIsMadeUnderTheDefaultLimit() {
        FixedIndex index = new FixedIndex(16L << 40, CHUNK);
        assertEquals(32L << 20, index.chunkCount());
        assertEquals(FixedIndex.HEADER + (1L << 30), index.encodedLength());
    }

    @Test
    void moreChunksThanAnIndexCanNumberAreRefusedNamingTheChunkSize() {
        long size = (long) Integer.MAX_VALUE * CHUNK; // 2^31 - 1 chunks and one byte more: 2^31 chunks
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FixedIndex(size + 1, CHUNK));
        assertTrue(e.getMessage().contains("too many chunks") && e.getMessage().contains("larger chunk size"), e.getMessage());
    }
}
