package coffer.virt.image;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link HostMap}: extents merged where guest and host ranges go on, the limit, and the host ranges of a guest range. */
class HostMapTest {

    @Test
    void mergesOnlyWhereGuestAndHostRangesGoOn() {
        HostMap.Builder builder = new HostMap.Builder(0, 2);
        assertTrue(builder.add(0, 100, 1000));
        assertTrue(builder.add(100, 50, 1100), "both ranges go on: merged");
        assertTrue(builder.add(150, 10, 5000), "the host range jumps: a second extent");
        assertFalse(builder.add(200, 10, 5050), "a gap in the guest range: a third, over the limit");
        assertTrue(builder.add(160, 10, 5010), "still merged onto the last at the limit");
        HostMap map = builder.build(200);
        assertEquals(2, map.extents());
        assertTrue(map.covers(0) && map.covers(199));
        assertFalse(map.covers(200));

        List<String> ranges = new ArrayList<>();
        long done = map.forEach(50, 165, (offset, length) -> ranges.add(offset + "+" + length));
        assertEquals(List.of("1050+100", "5000+15"), ranges);
        assertEquals(115, done);
    }

    @Test
    void countsOnlyRangesDoneAndSkipsTheGaps() {
        HostMap.Builder builder = new HostMap.Builder(1000, 10);
        builder.add(1000, 10, 0);
        builder.add(1100, 10, 20);
        builder.add(1200, 10, 40);
        HostMap map = builder.build(Long.MAX_VALUE);
        assertEquals(10, map.forEach(1005, 1205, (offset, length) -> offset == 20),
                "the action failed on the first and last pieces");
        assertEquals(0, map.forEach(1010, 1100, (offset, length) -> true), "a gap holds no data in the file");
        assertFalse(map.covers(999));
    }

    @Test
    void rangesOutOfOrderAreRefused() {
        HostMap.Builder builder = new HostMap.Builder(100, 4);
        assertThrows(IllegalArgumentException.class, () -> builder.add(50, 10, 0));
        builder.add(100, 10, 0);
        assertThrows(IllegalArgumentException.class, () -> builder.add(105, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> builder.build(105));
    }

    @Test
    void theIdentityMapsEveryOffsetToItself() {
        HostMap identity = HostMap.identity();
        List<String> ranges = new ArrayList<>();
        identity.forEach(4096, 8192, (offset, length) -> ranges.add(offset + "+" + length));
        assertEquals(List.of("4096+4096"), ranges);
    }
}
