package coffer.virt.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The qcow2 structures' bytes and the refcount layout that counts itself (QEMU checks whole images in Qcow2FileSinkIT). */
class Qcow2LayoutTest {
    private static final int PER_BLOCK = 32768; // 16-bit refcounts in a 64 KiB block

    @ParameterizedTest
    @ValueSource(longs = {2, 3, 32765, 32766, 32767, 32768, 65530, 1_000_000, 268_435_456})
    void theRefcountStructuresCoverEveryClusterThemselvesIncludedAndNoMore(long used) {
        Qcow2Layout.Refcounts layout = Qcow2Layout.refcounts(used);
        assertEquals(used, layout.firstBlock());
        assertEquals(used + layout.blocks() + layout.tableClusters(), layout.total());
        assertTrue(layout.blocks() * PER_BLOCK >= layout.total(), "blocks cover every cluster");
        assertTrue((layout.blocks() - 1) * PER_BLOCK < layout.total(), "no block more than needed");
        assertTrue(layout.tableClusters() * 8192 >= layout.blocks(), "the table holds every block");
        assertTrue((layout.tableClusters() - 1) * 8192 < layout.blocks(), "no table cluster more than needed");
    }

    @Test
    void refcountBlocksCountOneForEachClusterInUse() {
        Qcow2Layout.Refcounts layout = Qcow2Layout.refcounts(40_000); // two blocks
        ByteBuffer second = Qcow2Layout.refcountBlock(layout, 1);
        long inSecond = layout.total() - PER_BLOCK;
        for (int i = 0; i < PER_BLOCK; i++) {
            assertEquals(i < inSecond ? 1 : 0, second.getShort(i * 2), "entry " + i);
        }
        ByteBuffer table = Qcow2Layout.refcountTable(layout);
        assertEquals(40_000L << 16, table.getLong(0));
        assertEquals(40_001L << 16, table.getLong(8));
        assertEquals(0, table.getLong(16));
    }

    @Test
    void theHeaderNamesSizeL1AndRefcountTable() {
        Qcow2Layout.Refcounts layout = Qcow2Layout.refcounts(100);
        ByteBuffer h = Qcow2Layout.header(5L << 30, 10, layout);
        assertEquals(0x514649fb, h.getInt(0));
        assertEquals(3, h.getInt(4));
        assertEquals(16, h.getInt(20));
        assertEquals(5L << 30, h.getLong(24));
        assertEquals(10, h.getInt(36));
        assertEquals(65536, h.getLong(40));
        assertEquals(layout.tableCluster() << 16, h.getLong(48));
        assertEquals(4, h.getInt(96), "16-bit refcounts");
        assertEquals(112, h.getInt(100));
        assertEquals(0, h.getLong(112), "end of header extensions");
    }

    @Test
    void l2EntriesCarryTheCopiedFlagAndReadBackWithTheirZeroFlag() {
        long[] entries = new long[Qcow2Layout.L2_ENTRIES];
        entries[0] = 3L << 16;
        entries[5] = (7L << 16) | Qcow2Layout.ZERO_FLAG;
        ByteBuffer bytes = Qcow2Layout.l2Table(entries);
        assertEquals((3L << 16) | Qcow2Layout.COPIED, bytes.getLong(0));
        assertEquals(0, bytes.getLong(8), "unallocated stays 0");
        assertArrayEquals(entries, Qcow2Layout.l2Entries(bytes));
        assertEquals(1, Qcow2Layout.l1Entries(1));
        assertEquals(2, Qcow2Layout.l1Entries((512L << 20) + 1));
        assertEquals(1, Qcow2Layout.l1Clusters(8192));
        assertEquals(2, Qcow2Layout.l1Clusters(8193));
    }
}
