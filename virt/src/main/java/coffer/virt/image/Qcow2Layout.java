package coffer.virt.image;

import java.nio.ByteBuffer;

/**
 * The bytes of the qcow2 structures {@link Qcow2FileSink} writes (QEMU's docs/interop/qcow2.txt, version 3, 64 KiB
 * clusters, 16-bit refcounts, no extensions), as pure functions: the header, L1 and L2 tables, refcount blocks and
 * table, and where the refcount structures go so that they count themselves.
 *
 * <p>Stateless; thread-safe.
 */
final class Qcow2Layout {
    static final int CLUSTER_BITS = 16;
    static final int CLUSTER = 1 << CLUSTER_BITS;
    /** Entries of an L2 table: each maps one cluster, a table 512 MiB of the disk. */
    static final int L2_ENTRIES = CLUSTER / Long.BYTES;
    /** QEMU's largest L1 table (32 MiB of entries): 2 PiB of disk with 64 KiB clusters. */
    static final int MAX_L1_ENTRIES = 4 << 20;
    /** In an L1 or L2 entry: the cluster's refcount is exactly one (always so here). */
    static final long COPIED = 1L << 63;
    /** In an L2 entry: the cluster reads as zeros whatever its host cluster holds (version 3). */
    static final long ZERO_FLAG = 1;

    private static final int REFCOUNT_ORDER = 4; // 16-bit refcounts, qemu-img's default
    private static final int REFCOUNTS_PER_BLOCK = CLUSTER * 8 >> REFCOUNT_ORDER;
    private static final int HEADER_LENGTH = 112;

    private Qcow2Layout() {
    }

    /** L1 entries a disk of {@code size} bytes needs. */
    static long l1Entries(long size) {
        long clusters = (size + CLUSTER - 1) >>> CLUSTER_BITS;
        return (clusters + L2_ENTRIES - 1) / L2_ENTRIES;
    }

    /** Clusters the L1 table of {@code entries} entries takes (at least one). */
    static int l1Clusters(int entries) {
        return (int) Math.max(1, ((long) entries * Long.BYTES + CLUSTER - 1) / CLUSTER);
    }

    /**
     * Where the refcount structures go when clusters {@code [0, used)} are in use: refcount blocks from cluster
     * {@code used} on, then the refcount table; {@code total} clusters in all, the structures counted too.
     */
    record Refcounts(long firstBlock, long blocks, long tableClusters, long total) {
        long tableCluster() {
            return firstBlock + blocks;
        }
    }

    static Refcounts refcounts(long used) {
        long total = used;
        while (true) {
            long blocks = (total + REFCOUNTS_PER_BLOCK - 1) / REFCOUNTS_PER_BLOCK;
            long tableClusters = (blocks * Long.BYTES + CLUSTER - 1) / CLUSTER;
            if (used + blocks + tableClusters == total) {
                return new Refcounts(used, blocks, tableClusters, total);
            }
            total = used + blocks + tableClusters;
        }
    }

    /** Refcount block {@code b} of the layout: refcount 1 for every cluster below its total, else 0. */
    static ByteBuffer refcountBlock(Refcounts layout, long b) {
        ByteBuffer block = ByteBuffer.allocate(CLUSTER);
        for (int i = 0; i < REFCOUNTS_PER_BLOCK; i++) {
            block.putShort((short) (b * REFCOUNTS_PER_BLOCK + i < layout.total() ? 1 : 0));
        }
        return block.flip();
    }

    /** The refcount table of the layout: the offset of each block. */
    static ByteBuffer refcountTable(Refcounts layout) {
        ByteBuffer table = ByteBuffer.allocate((int) (layout.tableClusters() * CLUSTER));
        for (long b = 0; b < layout.blocks(); b++) {
            table.putLong((layout.firstBlock() + b) << CLUSTER_BITS);
        }
        return table.clear();
    }

    /** An L1 table of {@code clusters} clusters: each L2 table's offset, flagged copied; 0 where there is none. */
    static ByteBuffer l1Table(long[] l2Offsets, int clusters) {
        ByteBuffer table = ByteBuffer.allocate(clusters * CLUSTER);
        for (long offset : l2Offsets) {
            table.putLong(offset == 0 ? 0 : offset | COPIED);
        }
        return table.clear();
    }

    /** An L2 table: each entry (host offset, with {@link #ZERO_FLAG} where set) flagged copied; 0 stays 0. */
    static ByteBuffer l2Table(long[] entries) {
        ByteBuffer bytes = ByteBuffer.allocate(CLUSTER);
        for (long entry : entries) {
            bytes.putLong(entry == 0 ? 0 : entry | COPIED);
        }
        return bytes.clear();
    }

    /** The entries of an L2 table read back: host offsets with {@link #ZERO_FLAG} where set. */
    static long[] l2Entries(ByteBuffer bytes) {
        long[] entries = new long[L2_ENTRIES];
        for (int i = 0; i < L2_ENTRIES; i++) {
            entries[i] = bytes.getLong() & ~COPIED;
        }
        return entries;
    }

    /** The header cluster: version 3, no backing file, no encryption, no snapshots, no features, no extensions. */
    static ByteBuffer header(long size, int l1Entries, Refcounts layout) {
        ByteBuffer h = ByteBuffer.allocate(CLUSTER);
        h.putInt(0x514649fb)                      // magic "QFI\xfb"
                .putInt(3)                          // version
                .putLong(0)                         // backing file offset: none
                .putInt(0)                          // backing file name length
                .putInt(CLUSTER_BITS)
                .putLong(size)
                .putInt(0)                          // no encryption
                .putInt(l1Entries)
                .putLong(CLUSTER)                   // L1 table offset: right after the header
                .putLong(layout.tableCluster() << CLUSTER_BITS)
                .putInt((int) layout.tableClusters())
                .putInt(0)                          // snapshots
                .putLong(0)                         // snapshots offset
                .putLong(0)                         // incompatible features
                .putLong(0)                         // compatible features
                .putLong(0)                         // autoclear features
                .putInt(REFCOUNT_ORDER)
                .putInt(HEADER_LENGTH)
                .put((byte) 0);                     // compression type: zlib (nothing is compressed)
        // padding to HEADER_LENGTH, then the end-of-extensions marker (type 0, length 0): all zeros
        return h.clear();
    }
}
