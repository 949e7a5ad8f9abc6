package coffer.virt.image;

import coffer.vault.io.BlockSink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static coffer.virt.image.Qcow2Layout.L2_ENTRIES;
import static coffer.virt.image.Qcow2Layout.ZERO_FLAG;

/**
 * A new qcow2 image (version 3, 64 KiB clusters, 16-bit refcounts) written directly, without QEMU: restoring
 * through a writable {@code qemu-nbd} cost every write an NBD round trip and QEMU's cluster allocation with its
 * metadata updates, more than twice the time of a raw restore (docs/performance.md). Here every host cluster is
 * allocated by appending to the file, so data lands sequentially; the L2 tables are kept in memory and written
 * once (a bounded number resident: a table is written out when more than {@link #DEFAULT_RESIDENT_L2} are held
 * and read back if it is touched again), and the refcounts, the L1 table and the header are written by
 * {@link #commit()}.
 *
 * <p>Layout ({@link Qcow2Layout} encodes it): cluster 0 the header, then the L1 table (sized for the virtual size at creation), then data
 * clusters and L2 tables in the order they were first written, then the refcount blocks and the refcount table.
 * Every cluster of the file is in use exactly once, so every refcount is 1 and every L1 and L2 entry carries
 * the "copied" flag, as {@code qemu-img check} expects. A cluster whose bytes are all zero and that was never
 * written is not allocated (it reads as zeros, as {@code qemu-nbd --detect-zeroes=unmap} left it before), so
 * the image stays as sparse as the disk it restores.
 *
 * <p>Writes may have any alignment; several threads may write disjoint ranges at once (a cluster two writes
 * share is allocated once, under the sink's lock, and each writes its own bytes; the rest of a fresh cluster
 * is a hole of the file and reads as zeros). Before {@link #commit()} the file is not a valid image: the caller
 * writes to a temporary name and renames it once committed.
 *
 * <p>Thread-safe: cluster allocation and the tables are guarded by one lock, data is written outside it;
 * {@link #close()} waits for writes in flight ({@link ImageFileHandle}).
 */
final class Qcow2FileSink implements BlockSink {
    static final int CLUSTER_BITS = Qcow2Layout.CLUSTER_BITS;
    static final int CLUSTER = Qcow2Layout.CLUSTER;
    /** L2 tables held in memory at most (64 KiB each, each mapping 512 MiB of the disk). */
    static final int DEFAULT_RESIDENT_L2 = 64;

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(CLUSTER).asReadOnlyBuffer();

    private final ImageFileHandle file;
    private final long size;
    private final int residentLimit;
    private final long[] l1; // host offset of each L2 table, 0 when it has none yet; guarded by tables
    private final int l1Clusters;
    private final Object tables = new Object();
    /**
     * Resident L2 tables by L1 index, least recently used first: host offset of each cluster, 0 = unallocated,
     * with {@link Qcow2Layout#ZERO_FLAG} set where an allocated cluster was zeroed whole.
     */
    private final LinkedHashMap<Integer, long[]> resident = new LinkedHashMap<>(16, 0.75f, true); // guarded by tables
    private long nextCluster; // guarded by tables
    private boolean committed; // guarded by tables

    private Qcow2FileSink(Path path, FileChannel channel, int writebackFd, long size, int residentLimit) {
        this.file = new ImageFileHandle(path, channel, writebackFd, size);
        this.size = size;
        this.residentLimit = residentLimit;
        this.l1 = new long[(int) Qcow2Layout.l1Entries(size)];
        this.l1Clusters = Qcow2Layout.l1Clusters(l1.length);
        this.nextCluster = 1 + l1Clusters;
    }

    /**
     * Creates {@code path} as a qcow2 image of {@code size} bytes reading as zeros. Fails with
     * {@link java.nio.file.FileAlreadyExistsException} if it exists, unless {@code overwrite}: then its old
     * content is dropped first. A file this call created is removed again if the call fails.
     */
    static Qcow2FileSink create(Path path, long size, boolean overwrite) throws IOException {
        return create(path, size, overwrite, DEFAULT_RESIDENT_L2);
    }

    static Qcow2FileSink create(Path path, long size, boolean overwrite, int residentLimit) throws IOException {
        checkSize(path, size);
        if (residentLimit < 1) {
            throw new IllegalArgumentException("at least one L2 table must be resident, not " + residentLimit);
        }
        boolean created = ImageFiles.claim(path, overwrite, "qcow2");
        FileChannel channel = null;
        int fd = -1;
        try {
            channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ,
                    StandardOpenOption.TRUNCATE_EXISTING);
            fd = Libc.open(path, Libc.O_WRONLY);
            return new Qcow2FileSink(path, channel, fd, size, residentLimit);
        } catch (IOException | RuntimeException e) {
            ImageFiles.abandon(path, created, channel, fd);
            throw e;
        }
    }

    /** Whether {@code size} can be a qcow2 image's size here (a positive multiple of 512 within the L1 table's reach). */
    static boolean fits(long size) {
        return size > 0 && size % 512 == 0 && Qcow2Layout.l1Entries(size) <= Qcow2Layout.MAX_L1_ENTRIES;
    }

    private static void checkSize(Path path, long size) {
        if (size <= 0 || size % 512 != 0) {
            throw new IllegalArgumentException("a qcow2 image needs a positive size that is a multiple of 512, not "
                    + size + " (" + path + ")");
        }
        if (Qcow2Layout.l1Entries(size) > Qcow2Layout.MAX_L1_ENTRIES) {
            throw new IllegalArgumentException("a qcow2 image with 64 KiB clusters holds at most "
                    + ((long) Qcow2Layout.MAX_L1_ENTRIES * L2_ENTRIES * CLUSTER) + " bytes, not " + size + " (" + path + ")");
        }
    }

    /**
     * Creates {@code path} (which must not exist) as an empty qcow2 image of {@code size} bytes: the image
     * {@link #commit()} leaves when nothing was written (header, L1 table, refcounts), written at once without a
     * sink, a {@code qemu-img} process or an fsync; for a backup's scratch image, which nothing needs after a crash
     * (docs/performance.md, session 23). A file this call created is removed again if the call fails.
     */
    static void createEmpty(Path path, long size) throws IOException {
        checkSize(path, size);
        int l1Entries = (int) Qcow2Layout.l1Entries(size);
        int l1Clusters = Qcow2Layout.l1Clusters(l1Entries);
        Qcow2Layout.Refcounts refcounts = Qcow2Layout.refcounts(1 + l1Clusters);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        boolean done = false;
        try (channel) {
            for (long b = 0; b < refcounts.blocks(); b++) {
                writeFully(channel, Qcow2Layout.refcountBlock(refcounts, b), (refcounts.firstBlock() + b) << CLUSTER_BITS);
            }
            writeFully(channel, Qcow2Layout.refcountTable(refcounts), refcounts.tableCluster() << CLUSTER_BITS);
            writeFully(channel, Qcow2Layout.l1Table(new long[l1Entries], l1Clusters), CLUSTER);
            writeFully(channel, Qcow2Layout.header(size, l1Entries, refcounts), 0);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer src, long position) throws IOException {
        while (src.hasRemaining()) {
            channel.write(src, position + src.position());
        }
    }

    @Override
    public long size() {
        return size;
    }

    /** A piece of a write: {@code length} bytes from {@code srcOffset} (relative to the write) at host {@code host}. */
    private record Run(int srcOffset, long host, int length) {
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        file.checkRange(offset, src.remaining());
        int length = src.remaining();
        if (length == 0) {
            return;
        }
        int base = src.position();
        // which cluster pieces hold only zeros: found outside the lock (a data cluster fails at its first bytes)
        int pieces = (int) (((offset + length - 1) >>> CLUSTER_BITS) - (offset >>> CLUSTER_BITS) + 1);
        boolean[] zero = new boolean[pieces];
        for (int p = 0, at = 0; p < pieces; p++) {
            int n = pieceLength(offset + at, length - at);
            zero[p] = isZero(src, base + at, n);
            at += n;
        }
        file.whileOpen(() -> {
            List<Run> runs = map(offset, length, zero);
            for (Run run : runs) {
                writeAt(src.slice(base + run.srcOffset(), run.length()), run.host());
            }
            if (!runs.isEmpty()) {
                Run first = runs.getFirst();
                Run last = runs.getLast();
                Libc.startWriteback(file.fd(), first.host(), last.host() + last.length() - first.host());
            }
        });
        src.position(src.limit());
    }

    /**
     * The host ranges to write for a write of {@code length} bytes at {@code offset}, allocating clusters for
     * pieces with data that have none; a zero piece of an unallocated cluster needs nothing. Host-contiguous
     * pieces are merged into one run.
     */
    private List<Run> map(long offset, int length, boolean[] zero) throws IOException {
        List<Run> runs = new ArrayList<>();
        synchronized (tables) {
            if (committed) {
                throw new IllegalStateException(file.path() + " is committed; no more writes");
            }
            for (int p = 0, at = 0; at < length; p++) {
                long guest = offset + at;
                int n = pieceLength(guest, length - at);
                long cluster = guest >>> CLUSTER_BITS;
                int within = (int) (guest & (CLUSTER - 1));
                long[] l2 = table((int) (cluster / L2_ENTRIES), !zero[p]);
                int slot = (int) (cluster % L2_ENTRIES);
                long hostCluster = l2 == null ? 0 : l2[slot];
                if ((hostCluster & ZERO_FLAG) != 0) {
                    if (zero[p]) {
                        hostCluster = 0; // reads as zeros already
                    } else {
                        hostCluster &= ~ZERO_FLAG;
                        l2[slot] = hostCluster;
                        if (!coversCluster(guest, n)) { // the rest of the cluster must read as zeros, not old data
                            writeAt(ZEROS.slice(0, clusterLength(cluster)), hostCluster);
                        }
                    }
                } else if (hostCluster == 0 && !zero[p]) {
                    hostCluster = allocate();
                    l2[slot] = hostCluster;
                }
                if (hostCluster != 0) {
                    long host = hostCluster + within;
                    Run last = runs.isEmpty() ? null : runs.getLast();
                    if (last != null && last.host() + last.length() == host && last.srcOffset() + last.length() == at) {
                        runs.set(runs.size() - 1, new Run(last.srcOffset(), last.host(), last.length() + n));
                    } else {
                        runs.add(new Run(at, host, n));
                    }
                }
                at += n;
            }
        }
        return runs;
    }

    /**
     * Makes the range read as zeros: an allocated cluster it covers whole is flagged as reading zeros (QEMU's
     * "all zeros" L2 flag, the cluster stays allocated), an allocated cluster it covers in part has those bytes
     * zeroed; unallocated clusters read as zeros already.
     */
    @Override
    public void writeZeroes(long offset, long length) throws IOException {
        file.checkRange(offset, length);
        file.whileOpen(() -> {
            for (long at = 0; at < length; ) {
                long guest = offset + at;
                int n = pieceLength(guest, length - at);
                long host = 0;
                synchronized (tables) {
                    long cluster = guest >>> CLUSTER_BITS;
                    long[] l2 = table((int) (cluster / L2_ENTRIES), false);
                    int slot = (int) (cluster % L2_ENTRIES);
                    long hostCluster = l2 == null ? 0 : l2[slot];
                    if (hostCluster != 0 && (hostCluster & ZERO_FLAG) == 0) {
                        if (coversCluster(guest, n)) {
                            l2[slot] = hostCluster | ZERO_FLAG;
                        } else {
                            host = hostCluster + (guest & (CLUSTER - 1));
                        }
                    }
                }
                if (host != 0) {
                    writeAt(ZEROS.slice(0, n), host);
                }
                at += n;
            }
        });
    }

    /**
     * Writes the L2 tables, the refcount blocks and table, the L1 table and the header, then makes the file and
     * its directory durable. The image is complete and valid once this returns.
     */
    @Override
    public void commit() throws IOException {
        file.whileOpen(() -> {
            synchronized (tables) {
                for (Map.Entry<Integer, long[]> table : resident.entrySet()) {
                    writeTable(l1[table.getKey()], table.getValue());
                }
                Qcow2Layout.Refcounts refcounts = Qcow2Layout.refcounts(nextCluster);
                for (long b = 0; b < refcounts.blocks(); b++) {
                    writeAt(Qcow2Layout.refcountBlock(refcounts, b), (refcounts.firstBlock() + b) << CLUSTER_BITS);
                }
                writeAt(Qcow2Layout.refcountTable(refcounts), refcounts.tableCluster() << CLUSTER_BITS);
                writeAt(Qcow2Layout.l1Table(l1, l1Clusters), CLUSTER);
                writeAt(Qcow2Layout.header(size, l1.length, refcounts), 0);
                committed = true;
            }
            file.force();
        });
    }

    /**
     * The resident L2 table {@code index}, read back if it was written out; with {@code allocate} a new one is
     * made when the L1 table has none, else null. Keeps at most {@link #residentLimit} tables resident, writing
     * out the least recently used. Caller holds {@link #tables}.
     */
    private long[] table(int index, boolean allocate) throws IOException {
        long[] table = resident.get(index);
        if (table != null) {
            return table;
        }
        if (l1[index] == 0) {
            if (!allocate) {
                return null;
            }
            l1[index] = allocate();
            table = new long[L2_ENTRIES];
        } else {
            table = readTable(l1[index]);
        }
        resident.put(index, table);
        if (resident.size() > residentLimit) {
            Iterator<Map.Entry<Integer, long[]>> eldest = resident.entrySet().iterator();
            Map.Entry<Integer, long[]> out = eldest.next();
            writeTable(l1[out.getKey()], out.getValue());
            eldest.remove();
        }
        return table;
    }

    private long allocate() {
        return nextCluster++ << CLUSTER_BITS;
    }

    private void writeTable(long host, long[] table) throws IOException {
        writeAt(Qcow2Layout.l2Table(table), host);
    }

    private long[] readTable(long host) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(CLUSTER);
        while (bytes.hasRemaining()) {
            if (file.channel().read(bytes, host + bytes.position()) < 0) {
                bytes.put(new byte[bytes.remaining()]); // never written past here: zeros
            }
        }
        return Qcow2Layout.l2Entries(bytes.clear());
    }

    private void writeAt(ByteBuffer src, long position) throws IOException {
        file.writeAt(src, position);
    }

    /** Whether a piece of {@code n} bytes at {@code guest} is all of its cluster (the last one may be short). */
    private boolean coversCluster(long guest, int n) {
        return (guest & (CLUSTER - 1)) == 0 && n == clusterLength(guest >>> CLUSTER_BITS);
    }

    private int clusterLength(long cluster) {
        return (int) Math.min(CLUSTER, size - (cluster << CLUSTER_BITS));
    }

    private static int pieceLength(long guest, long remaining) {
        return ImageFiles.pieceLength(guest, remaining);
    }

    private static boolean isZero(ByteBuffer src, int from, int length) {
        return ImageFiles.isZero(src, from, length);
    }

    @Override
    public String describe() {
        return file.describe();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
