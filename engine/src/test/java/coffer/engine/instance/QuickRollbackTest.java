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

    /** For indexes without patch entries: asking for a patch's ranges is a mistake. */
    private static final QuickRollback.PatchRanges NO_PATCHES = (index, i) -> {
        throw new AssertionError("no patch entry " + i);
    };

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
    void theSamePointWithNothingDirtyWritesNothing() throws Exception {
        FixedIndex p = index(4 * CHUNK, id(1), id(2), ChunkId.ZERO, id(4));
        assertEquals(List.of(), QuickRollback.chunksToWrite(p, p.copy(), List.of(), NO_PATCHES));
    }

    @Test
    void differingChunksAreWrittenWholeAndDirtyRangesOfTheOthersOnly() throws Exception {
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
                QuickRollback.chunksToWrite(target, since, dirty, NO_PATCHES));
    }

    @Test
    void aPatchOverTheOtherPointsChunkWritesOnlyItsRangesAndAPatchOverAnotherChunkTheWholeChunk() throws Exception {
        // the newer point's chunk 0: a patch (id 7) over the older point's chunk 1, replacing [64, 192) and [512, 576);
        // chunk 1: a patch (id 8) over chunk 5, which the older point does not have there (it has chunk 2)
        FixedIndex older = index(2 * CHUNK, id(1), id(2));
        FixedIndex newer = index(2 * CHUNK, id(1), id(2));
        newer.setPatch(0, id(7), id(1), 192);
        newer.setPatch(1, id(8), id(5), 64);
        QuickRollback.PatchRanges patches = (index, i) -> {
            assertEquals(newer, index, "only the newer point has patches");
            return i == 0 ? List.of(new Extent(64, 128), new Extent(512, 64)) : List.of(new Extent(0, 64));
        };
        List<Extent> dirty = List.of(new Extent(150, 100));
        List<QuickRollback.Chunk> expected = List.of(
                chunk(0, new Extent(64, 186), new Extent(512, 64)),  // the patch's ranges joined with the dirty range
                chunk(1, new Extent(CHUNK, CHUNK)));
        assertEquals(expected, QuickRollback.chunksToWrite(older, newer, dirty, patches), "rolled back to the older");
        assertEquals(expected, QuickRollback.chunksToWrite(newer, older, dirty, patches), "rolled forward to the newer");

        // two patches over one base: both ranges
        FixedIndex other = index(2 * CHUNK, id(1), id(2));
        other.setPatch(0, id(9), id(1), 10);
        QuickRollback.PatchRanges both = (index, i) -> index == other ? List.of(new Extent(1000, 10))
                : List.of(new Extent(64, 128), new Extent(512, 64));
        assertEquals(List.of(chunk(0, new Extent(64, 128), new Extent(512, 64), new Extent(1000, 10)),
                        chunk(1, new Extent(CHUNK, CHUNK))),
                QuickRollback.chunksToWrite(other, newer, List.of(), both));
    }

    @Test
    void aPatchEntryDiffersFromItsOwnIdAsAPlainChunk() throws Exception {
        FixedIndex target = index(2 * CHUNK, id(1), id(2));
        target.setPatch(0, id(7), id(1), 64);
        assertEquals(List.of(), QuickRollback.chunksToWrite(target, target.copy(), List.of(), NO_PATCHES),
                "the same patch over the same base is the same data");
        FixedIndex plain = index(2 * CHUNK, id(7), id(2)); // the patch's id as a plain chunk: another base
        assertEquals(List.of(chunk(0, new Extent(0, CHUNK))),
                QuickRollback.chunksToWrite(target, plain, List.of(), NO_PATCHES));
    }
}
