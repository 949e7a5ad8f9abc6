package coffer.vault.format;

import coffer.testing.TestData;
import coffer.vault.ChunkId;
import coffer.vault.CorruptDataException;
import coffer.vault.UnsupportedFormatException;
import coffer.vault.io.Extent;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChunkPatchTest {
    private static final String NAME = "chunks/ab/ab";
    private static final ChunkId BASE = ChunkId.of(TestData.random(1, 32), 0);
    private static final List<Extent> RANGES = List.of(new Extent(0, 10), new Extent(100, 4096), new Extent(8000, 192));

    @Test
    void aPatchAppliedToItsBaseGivesTheNewChunk() throws Exception {
        byte[] base = TestData.random(2, 8192);
        byte[] next = base.clone();
        byte[] changes = TestData.random(3, 8192);
        for (Extent r : RANGES) {
            System.arraycopy(changes, (int) r.offset(), next, (int) r.offset(), (int) r.length());
        }
        byte[] body = ChunkPatch.encode(BASE, 8192, RANGES, next);
        assertEquals(48 + 3 * 8 + 10 + 4096 + 192, body.length);
        ChunkPatch patch = ChunkPatch.decode(NAME, body);
        assertEquals(BASE, patch.base());
        assertEquals(8192, patch.chunkLength());
        assertEquals(10 + 4096 + 192, patch.patchedBytes());
        byte[] restored = base.clone();
        patch.applyTo(restored);
        assertArrayEquals(next, restored);
    }

    @Test
    void rangesMustBeAscendingApartAndInsideTheChunk() {
        byte[] chunk = new byte[8192];
        for (List<Extent> bad : List.of(
                List.of(new Extent(100, 10), new Extent(0, 10)),
                List.of(new Extent(0, 10), new Extent(10, 10)),
                List.of(new Extent(8000, 193)),
                List.of(new Extent(5, 0)))) {
            assertThrows(IllegalArgumentException.class, () -> ChunkPatch.encode(BASE, 8192, bad, chunk), bad.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> ChunkPatch.encode(ChunkId.ZERO, 8192, RANGES, chunk));
    }

    @Test
    void damagedBodiesAreCorruptNotMisapplied() {
        byte[] good = ChunkPatch.encode(BASE, 8192, RANGES, new byte[8192]);
        byte[] badMagic = good.clone();
        badMagic[0] = 'X';
        byte[] overlapping = good.clone();
        ByteBuffer.wrap(overlapping).putInt(48 + 8, 5);        // second range starts inside the first
        byte[] outside = good.clone();
        ByteBuffer.wrap(outside).putInt(48 + 16, 8100);        // third range past the chunk's end
        byte[] manyRanges = good.clone();
        ByteBuffer.wrap(manyRanges).putInt(44, 1 << 30);
        byte[] zeroBase = good.clone();
        Arrays.fill(zeroBase, 8, 40, (byte) 0);
        byte[] short1 = Arrays.copyOf(good, good.length - 1);
        for (byte[] body : new byte[][] {badMagic, overlapping, outside, manyRanges, zeroBase, short1, new byte[20]}) {
            assertThrows(CorruptDataException.class, () -> ChunkPatch.decode(NAME, body));
        }
        byte[] version2 = good.clone();
        ByteBuffer.wrap(version2).putShort(4, (short) 2);
        assertThrows(UnsupportedFormatException.class, () -> ChunkPatch.decode(NAME, version2));
    }
}
