package coffer.engine.instance;

import coffer.vault.ChunkId;
import coffer.vault.format.FixedIndex;
import coffer.vault.io.Extent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a quick rollback writes: chunks whose entries differ whole, of the others only their dirty ranges. */
class QuickRollbackTest {
    private static final int CHUNK = 1024;

    private static FixedIndex index(long size, ChunkId... ids) {
        FixedIndex index = new FixedIndex(size, CHUNK);
        for (int i = 0; i < ids.length; i++) {
            index.set(i, ids[i]);
        }
        return index;
    }

    private static ChunkId id(long n) {
        return new ChunkId(n, n, n, n);
    }

    private static QuickRollback.Chunk chunk(int number, Extent... ranges) {
        return new QuickRollback.Chunk(number, List.of(ranges));
    }

    @Test
    void theSamePointWithNothingDirtyWritesNothing() {
        FixedIndex p = index(4 * CHUNK, id(1), id(2), ChunkId.ZERO, id(4));
        assertEquals(List.of(), QuickRollback.chunksToWrite(p, p.copy(), List.of()));
    }

    @Test
    void differingChunksAreWrittenWholeAndDirtyRangesOfTheOthersOnly() {
        FixedIndex target = index(4 * CHUNK + 100, id(1), id(2), ChunkId.ZERO, id(4), id(5));
        FixedIndex since = index(4 * CHUNK + 100, id(1), id(9), id(3), id(4), id(5));
        List<Extent> dirty = List.of(new Extent(100, 50), new Extent(CHUNK + 10, 20), new Extent(3 * CHUNK - 10, 30),
                new Extent(4 * CHUNK + 90, 10));
        assertEquals(List.of(
                chunk(0, new Extent(100, 50)),
                chunk(1, new Extent(CHUNK, CHUNK)),                 // another id: whole, the dirty range inside it too
                chunk(2, new Extent(2 * CHUNK, CHUNK)),             // zeros now, data in the newer point: whole
                chunk(3, new Extent(3 * CHUNK, 20)),                // the part of a range across the chunk boundary
                chunk(4, new Extent(4 * CHUNK + 90, 10))),          // the short last chunk
                QuickRollback.chunksToWrite(target, since, dirty));
    }

    @Test
    void aPatchEntryDiffersUnlessTheSamePatchOverTheSameBase() {
        FixedIndex target = index(2 * CHUNK, id(1), id(2));
        target.setPatch(0, id(7), id(1), 64);
        FixedIndex same = target.copy();
        assertEquals(List.of(), QuickRollback.chunksToWrite(target, same, List.of()));
        FixedIndex plain = index(2 * CHUNK, id(7), id(2)); // the patch's id as a plain chunk: not the same data
        assertEquals(List.of(chunk(0, new Extent(0, CHUNK))), QuickRollback.chunksToWrite(target, plain, List.of()));
    }
}
