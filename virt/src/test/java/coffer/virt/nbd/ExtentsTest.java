package coffer.virt.nbd;

import coffer.vault.io.Extent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExtentsTest {
    private static final int HOLE_ZERO = MetaContext.STATE_HOLE | MetaContext.STATE_ZERO;

    @Test
    void dataIsWhatIsNeitherHoleNorZeroAndTouchingRangesMerge() {
        List<BlockStatusExtent> status = List.of(
                new BlockStatusExtent(0, 100, 0),
                new BlockStatusExtent(100, 50, 0 /* separate reply, same flags */),
                new BlockStatusExtent(150, 50, HOLE_ZERO),
                new BlockStatusExtent(200, 10, MetaContext.STATE_ZERO),
                new BlockStatusExtent(210, 30, 0));
        assertEquals(List.of(new Extent(0, 150), new Extent(210, 30)),
                Extents.select(status, flags -> (flags & HOLE_ZERO) == 0));
    }

    @Test
    void noMatchingExtentsGiveAnEmptyList() {
        assertEquals(List.of(), Extents.select(List.of(new BlockStatusExtent(0, 4096, 0)), flags -> flags == 1));
    }

    @Test
    void builderClipsToTheRangeAndMergesEqualNeighbours() {
        Extents.Builder builder = new Extents.Builder(50, 300);
        builder.add(new BlockStatusExtent(0, 100, 0));       // clipped to [50, 100)
        builder.add(new BlockStatusExtent(100, 100, 0));     // merged
        builder.add(new BlockStatusExtent(200, 200, 1));     // clipped to [200, 300)
        assertEquals(List.of(new BlockStatusExtent(50, 150, 0), new BlockStatusExtent(200, 100, 1)),
                builder.build());
    }

    @Test
    void builderIgnoresWhatAnEarlierAnswerCoveredAlready() {
        Extents.Builder builder = new Extents.Builder(0, 100);
        builder.add(new BlockStatusExtent(0, 60, 0));
        builder.add(new BlockStatusExtent(40, 60, 1));       // overlaps: only [60, 100) is new
        assertEquals(List.of(new BlockStatusExtent(0, 60, 0), new BlockStatusExtent(60, 40, 1)), builder.build());
    }
}
