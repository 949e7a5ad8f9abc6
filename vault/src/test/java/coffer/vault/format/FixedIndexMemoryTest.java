package coffer.vault.format;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A disk whose chunk index cannot fit the heap (an image header claiming 10 TiB under the launcher's 384 MiB heap) is
 * refused with a message saying so, before anything is allocated, instead of an {@link OutOfMemoryError}
 * (docs/reliability.md, session 19).
 */
class FixedIndexMemoryTest {
    private static final int CHUNK = 512 * 1024;

    @Test
    void anIndexLargerThanTheHeapIsRefusedNamingTheMemory() {
        long heap = Runtime.getRuntime().maxMemory();
        long chunks = heap / 32 + 1; // 32-byte entries: one more than the whole heap holds
        long size = chunks * CHUNK;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FixedIndex(size, CHUNK));
        if (chunks * 32 > Integer.MAX_VALUE - FixedIndex.HEADER - 1024) { // a heap of 2 GiB or more: the array limit first
            assertTrue(e.getMessage().contains("too many chunks"), e.getMessage());
        } else {
            assertTrue(e.getMessage().contains("MiB in memory, more than this process's whole heap (" + (heap >> 20)
                    + " MiB)"), e.getMessage());
        }
    }

    @Test
    void anIndexThatFitsIsMade() {
        assertEquals(2048, new FixedIndex(1L << 30, CHUNK).chunkCount());
    }
}
