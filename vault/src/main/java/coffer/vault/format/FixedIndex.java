package coffer.vault.format;

import coffer.vault.ChunkId;
import coffer.vault.CorruptDataException;
import coffer.vault.UnsupportedFormatException;
import coffer.vault.crypto.ChunkDigester;
import coffer.vault.crypto.StreamingSha256;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A disk in the vault: its size, its chunk size, and one chunk id per chunk-aligned range (all zeros for a
 * range of zeros). An entry may name a {@link ChunkPatch} instead of a chunk: then the index also records the
 * patch's base chunk and how many bytes it replaces, so gc, verify and stats see every object a disk needs
 * without opening patches. Body format of INDEX objects (docs/format/index.md):
 * <pre>
 *   0  4  magic "CFIX"
 *   4  2  index version: 1 without patches, 2 with
 *   6  2  reserved, 0
 *   8  4  chunk size
 *  12  4  version 1: reserved, 0; version 2: patch count p
 *  16  8  disk size in bytes
 *  24  8  chunk count = ceil(disk size / chunk size)
 *  32 32  checksum: SHA-256 over the entries in order, then (version 2) the patch records
 *  64  .. entries, 32 bytes each
 *  ..  .. version 2: p patch records of 40 bytes, ascending by chunk number: chunk number (4), bytes the
 *         patch replaces (4), base chunk id (32)
 * </pre>
 * An index without patches is written as version 1, byte for byte as before patches existed. An incremental
 * point starts from the previous index only when that index's checksum equals the one its manifest recorded.
 *
 * <p>Mutable while a disk is written (distinct indexes may be set from several threads; the backing array
 * is never resized), then treated as immutable.
 *
 * <p>Entries of up to {@link #heapLimit()} bytes are held in an array on the heap; a larger index (a disk of more than
 * ~{@code heapLimit / 32 * chunk size}, e.g. 1.5 TiB under the launcher's 384 MiB heap) keeps them in an
 * {@link IndexFile}, a temporary file read and written a block at a time, and is encoded and decoded as a stream
 * ({@link #encodeTo}, {@link #decode(String, InputStream, long)}): its memory does not grow with the disk
 * (docs/format/index.md, "Memory"). The stored bytes are the same either way.
 */
public final class FixedIndex {
    static final int MAGIC = 0x43464958; // "CFIX"
    /** The newest version this code reads; it writes version 1 for an index without patches. */
    public static final int VERSION = 2;
    static final int HEADER = 64;
    static final int PATCH_RECORD = 40;
    private static final byte[] ZEROS = new byte[IndexFile.BLOCK];
    /** The system property that sets {@link #heapLimit()} in bytes of entries (tests set it small). */
    public static final String HEAP_LIMIT_PROPERTY = "coffer.index.heapBytes";

    /** What the index records of a patch entry: its base chunk and how many bytes the patch replaces. */
    public record Patched(ChunkId base, int bytes) {
    }

    private final long diskSize;
    private final int chunkSize;
    /** The entries on the heap, or null when they are in {@link #file}. */
    private final byte[] entries;
    /** The entries in a temporary file, or null when they are on the heap. */
    private final IndexFile file;
    private final int count;
    private final ConcurrentSkipListMap<Integer, Patched> patches = new ConcurrentSkipListMap<>();
    /** For an index in a file: its checksum while unchanged since computed, else null. */
    private volatile String checksum;

    public FixedIndex(long diskSize, int chunkSize) {
        this.diskSize = diskSize;
        this.chunkSize = chunkSize;
        this.count = checkedCount(diskSize, chunkSize);
        if ((long) count * ChunkId.BYTES <= heapLimit()) {
            this.entries = new byte[count * ChunkId.BYTES];
            this.file = null;
        } else {
            this.entries = null;
            this.file = IndexFile.create((long) count * ChunkId.BYTES);
        }
    }

    private FixedIndex(long diskSize, int chunkSize, byte[] entries, IndexFile file) {
        this.diskSize = diskSize;
        this.chunkSize = chunkSize;
        this.entries = entries;
        this.file = file;
        this.count = entries != null ? entries.length / ChunkId.BYTES : (int) (file.length() / ChunkId.BYTES);
    }

    /**
     * The chunk count of a disk, refused (before anything is allocated: an image header's size alone decides it) only
     * where an index cannot work at all: chunk numbers are ints, so at most 2^31 - 1 chunks (1 PiB at 512 KiB chunks).
     */
    private static int checkedCount(long diskSize, int chunkSize) {
        long count = chunkCount(diskSize, chunkSize);
        if (diskSize < 0 || count > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("disk of " + diskSize + " bytes has too many chunks of " + chunkSize
                    + " bytes for one index (at most " + (Integer.MAX_VALUE - 1) + "); use a larger chunk size");
        }
        return (int) count;
    }

    /**
     * Bytes of entries above which an index is kept in a temporary file rather than on the heap: the system property
     * {@value #HEAP_LIMIT_PROPERTY}, else an eighth of the heap (48 MiB, a disk of 768 GiB at 512 KiB chunks, under
     * the launcher's 384 MiB): an incremental backup holds two indexes, a replication three.
     */
    public static long heapLimit() {
        String set = System.getProperty(HEAP_LIMIT_PROPERTY);
        if (set != null) {
            try {
                return Long.parseLong(set.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("system property " + HEAP_LIMIT_PROPERTY + " is not a number of bytes: "
                        + set);
            }
        }
        return Runtime.getRuntime().maxMemory() / 8;
    }

    /** Whether the entries are on the heap (else in a temporary file, and {@link #encode} is refused). */
    public boolean inHeap() {
        return file == null;
    }

    /** The length of {@link #encode}'s result. */
    public long encodedLength() {
        return HEADER + (long) count * ChunkId.BYTES + (long) patches.size() * PATCH_RECORD;
    }

    public static long chunkCount(long diskSize, int chunkSize) {
        return (diskSize + chunkSize - 1) / chunkSize;
    }

    public long diskSize() {
        return diskSize;
    }

    public int chunkSize() {
        return chunkSize;
    }

    public int chunkCount() {
        return count;
    }

    /** Bytes of the disk covered by chunk {@code i} (the last chunk may be short). */
    public int lengthOf(int i) {
        return (int) Math.min(chunkSize, diskSize - (long) i * chunkSize);
    }

    /** Whether chunk {@code i} is all zeros (without making its id). */
    public boolean isZero(int i) {
        if (file != null) {
            return file.isZero((long) i * ChunkId.BYTES);
        }
        int bits = 0;
        for (int k = i * ChunkId.BYTES; k < (i + 1) * ChunkId.BYTES; k++) {
            bits |= entries[k];
        }
        return bits == 0;
    }

    public ChunkId get(int i) {
        if (file != null) {
            return file.id((long) i * ChunkId.BYTES);
        }
        return ChunkId.of(entries, i * ChunkId.BYTES);
    }

    /** Chunk {@code i} is the chunk {@code id} (or zeros). */
    public void set(int i, ChunkId id) {
        if (file != null) {
            checksum = null;
            if (!(id.isZero() && file.isZero((long) i * ChunkId.BYTES))) { // zeros over zeros: the file stays sparse
                byte[] bytes = new byte[ChunkId.BYTES];
                id.writeTo(bytes, 0);
                file.write((long) i * ChunkId.BYTES, bytes, 0, ChunkId.BYTES);
            }
            patches.remove(i);
            return;
        }
        id.writeTo(entries, i * ChunkId.BYTES);
        patches.remove(i);
    }

    /** Chunk {@code i} is the patch {@code patch} over the chunk {@code base}, replacing {@code bytes} bytes. */
    public void setPatch(int i, ChunkId patch, ChunkId base, int bytes) {
        if (patch.isZero() || base.isZero() || bytes <= 0 || bytes > lengthOf(i)) {
            throw new IllegalArgumentException("bad patch entry " + i + ": patch " + patch + " base " + base + " bytes " + bytes);
        }
        if (file != null) {
            checksum = null;
            byte[] id = new byte[ChunkId.BYTES];
            patch.writeTo(id, 0);
            file.write((long) i * ChunkId.BYTES, id, 0, ChunkId.BYTES);
            patches.put(i, new Patched(base, bytes));
            return;
        }
        patch.writeTo(entries, i * ChunkId.BYTES);
        patches.put(i, new Patched(base, bytes));
    }

    /** The patch record of entry {@code i}, or null when {@link #get} names a chunk. */
    public Patched patchOf(int i) {
        return patches.get(i);
    }

    public int patchCount() {
        return patches.size();
    }

    /** Adds to {@code into} every stored object the index names (its entries and its patches' bases) not in {@code except}. */
    public void addStoredIds(java.util.Set<ChunkId> except, java.util.Set<ChunkId> into) {
        for (int i = 0; i < chunkCount(); i++) {
            ChunkId id = get(i);
            if (!id.isZero() && !except.contains(id)) {
                into.add(id);
            }
            Patched patched = patches.get(i);
            if (patched != null && !except.contains(patched.base())) {
                into.add(patched.base());
            }
        }
    }

    /**
     * SHA-256 over the entries, then the patch records, in hex. By libcrypto where it loads, as chunk ids are: the
     * JDK's SHA-256 runs without its CPU intrinsics in the command line's C1-compiled code, and a 4 GiB disk's index
     * (256 KiB) is checksummed twice when a backup reads its base (decoded, then checked against the manifest),
     * ~18 ms on the plan's critical path against well under 1 ms (docs/performance.md, "Session 14").
     */
    public String checksum() {
        if (file != null) {
            String known = checksum;
            if (known == null) {
                try (StreamingSha256 digest = StreamingSha256.create()) {
                    file.forEachBlock((window, length) -> digest.update(window, 0, length));
                    digest.update(patchRecords());
                    known = HexFormat.of().formatHex(digest.digest());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                checksum = known;
            }
            return known;
        }
        byte[] digested = entries;
        if (!patches.isEmpty()) {
            byte[] records = patchRecords();
            digested = Arrays.copyOf(entries, entries.length + records.length);
            System.arraycopy(records, 0, digested, entries.length, records.length);
        }
        return Sha256.DIGESTER.digest(digested, 0, digested.length).hex();
    }

    /** The digester, made on first use (libcrypto's binding, else the JDK's engine per thread). */
    private static final class Sha256 {
        static final ChunkDigester DIGESTER = ChunkDigester.sha256();
    }

    public FixedIndex copy() {
        FixedIndex copy = file != null ? new FixedIndex(diskSize, chunkSize, null, file.copy())
                : new FixedIndex(diskSize, chunkSize, entries.clone(), null);
        copy.patches.putAll(patches);
        copy.checksum = checksum;
        return copy;
    }

    /**
     * Whether {@code other} describes the same disk with the same entries and patch records (by their checksum for
     * an index in a file, byte for byte otherwise).
     */
    public boolean sameAs(FixedIndex other) {
        if (file == null && other.file == null) {
            return Arrays.equals(encode(), other.encode());
        }
        return diskSize == other.diskSize && chunkSize == other.chunkSize && count == other.count
                && patches.equals(other.patches) && checksum().equals(other.checksum());
    }

    /** Writes the body {@link #encode} returns, a block at a time (for an index of any size). */
    public void encodeTo(OutputStream out) throws IOException {
        if (file == null) {
            out.write(encode());
            return;
        }
        byte[] records = patchRecords();
        ByteBuffer b = ByteBuffer.allocate(HEADER);
        b.putInt(MAGIC).putShort((short) (records.length == 0 ? 1 : 2)).putShort((short) 0).putInt(chunkSize)
                .putInt(records.length / PATCH_RECORD).putLong(diskSize).putLong(count);
        b.put(HexFormat.of().parseHex(checksum()));
        out.write(b.array());
        file.forEachBlock((window, length) -> out.write(window, 0, length));
        out.write(records);
    }

    /** The body of this index; refused for an index kept in a file (use {@link #encodeTo}). */
    public byte[] encode() {
        if (file != null) {
            throw new IllegalStateException("an index of " + count + " chunks is kept in a file; encode it as a stream");
        }
        byte[] records = patchRecords();
        byte[] out = new byte[HEADER + entries.length + records.length];
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putInt(MAGIC).putShort((short) (patches.isEmpty() ? 1 : 2)).putShort((short) 0).putInt(chunkSize)
                .putInt(patches.size()).putLong(diskSize).putLong(chunkCount());
        b.put(HexFormat.of().parseHex(checksum()));
        b.put(entries);
        b.put(records);
        return out;
    }

    private byte[] patchRecords() {
        ByteBuffer b = ByteBuffer.allocate(patches.size() * PATCH_RECORD);
        byte[] id = new byte[ChunkId.BYTES];
        patches.forEach((i, patched) -> {
            patched.base().writeTo(id, 0);
            b.putInt(i).putInt(patched.bytes()).put(id);
        });
        return b.array();
    }

    /**
     * Decodes an index body of {@code length} bytes read from {@code in} (authenticated already), keeping the entries
     * in a temporary file when they exceed {@link #heapLimit()}; same checks as {@link #decode(String, byte[])}.
     */
    public static FixedIndex decode(String object, InputStream in, long length) throws IOException {
        if (length <= heapLimit() && length <= Integer.MAX_VALUE - 64) {
            return decode(object, in.readNBytes((int) length));
        }
        DataInputStream data = new DataInputStream(in);
        byte[] head = new byte[HEADER];
        try {
            data.readFully(head);
        } catch (EOFException e) {
            throw new CorruptDataException(object, "index truncated: shorter than its header");
        }
        ByteBuffer b = ByteBuffer.wrap(head);
        Header h = header(object, b, length);
        byte[] stored = new byte[32];
        b.get(stored);
        FixedIndex index = new FixedIndex(h.diskSize, h.chunkSize);
        try (StreamingSha256 digest = StreamingSha256.create()) {
            return decodeEntries(object, data, in, length, h, stored, index, digest);
        }
    }

    private static FixedIndex decodeEntries(String object, DataInputStream data, InputStream in, long length, Header h,
                                            byte[] stored, FixedIndex index, StreamingSha256 digest) throws IOException {
        byte[] window = new byte[IndexFile.BLOCK];
        long entryBytes = (long) index.count * ChunkId.BYTES;
        try {
            for (long at = 0; at < entryBytes; at += window.length) {
                int n = (int) Math.min(window.length, entryBytes - at);
                data.readFully(window, 0, n);
                digest.update(window, 0, n);
                if (index.file == null) {
                    System.arraycopy(window, 0, index.entries, (int) at, n);
                } else if (Arrays.mismatch(window, 0, n, ZEROS, 0, n) >= 0) { // a block of zeros stays a hole
                    index.file.write(at, window, 0, n); // the window is one block of the file
                }
            }
            byte[] records = new byte[(int) h.patchCount * PATCH_RECORD];
            data.readFully(records);
            digest.update(records);
            if (in.read() >= 0) {
                throw new CorruptDataException(object, "index longer than its header says");
            }
            index.addPatchRecords(object, ByteBuffer.wrap(records), h.patchCount, h.count);
        } catch (EOFException e) {
            throw new CorruptDataException(object, "index truncated: " + h.count + " entries and " + h.patchCount
                    + " patch records declared in " + length + " bytes");
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(HexFormat.of().formatHex(stored))) {
            throw new CorruptDataException(object, "index checksum mismatch");
        }
        if (index.file != null) {
            index.checksum = actual;
        }
        return index;
    }

    private record Header(int chunkSize, long patchCount, long diskSize, long count) {
    }

    /** Reads and checks the header from {@code b} (positioned at 0, left at the stored checksum). */
    private static Header header(String object, ByteBuffer b, long bodyLength) throws CorruptDataException,
            UnsupportedFormatException {
        if (b.getInt() != MAGIC) {
            throw new CorruptDataException(object, "not a fixed index (bad magic)");
        }
        int version = b.getShort() & 0xffff;
        if (version < 1 || version > VERSION) {
            throw new UnsupportedFormatException(object, "fixed index", version, VERSION);
        }
        b.getShort();
        int chunkSize = b.getInt();
        long patchCount = b.getInt() & 0xffffffffL;
        if (version == 1 && patchCount != 0) {
            throw new CorruptDataException(object, "version 1 index with a non-zero reserved field");
        }
        long diskSize = b.getLong();
        long count = b.getLong();
        if (chunkSize <= 0 || diskSize < 0 || count != chunkCount(diskSize, chunkSize)) {
            throw new CorruptDataException(object, "index header inconsistent (size " + diskSize + ", chunk size "
                    + chunkSize + ", count " + count + ")");
        }
        if (count > Integer.MAX_VALUE - 1) {
            throw new CorruptDataException(object, "index of " + count + " chunks: more than an index can hold");
        }
        if (patchCount > count || bodyLength != HEADER + count * ChunkId.BYTES + patchCount * PATCH_RECORD) {
            throw new CorruptDataException(object, "index truncated: " + count + " entries and " + patchCount
                    + " patch records declared in " + bodyLength + " bytes");
        }
        return new Header(chunkSize, patchCount, diskSize, count);
    }

    /** Reads {@code patchCount} patch records from {@code b}, checking each against the entries. */
    private void addPatchRecords(String object, ByteBuffer b, long patchCount, long count) throws CorruptDataException {
        byte[] record = new byte[PATCH_RECORD];
        long previous = -1;
        for (long k = 0; k < patchCount; k++) {
            b.get(record);
            ByteBuffer r = ByteBuffer.wrap(record);
            long i = r.getInt() & 0xffffffffL;
            int bytes = r.getInt();
            ChunkId base = ChunkId.of(record, 8);
            if (i <= previous || i >= count || get((int) i).isZero() || base.isZero() || bytes <= 0
                    || bytes > lengthOf((int) i)) {
                throw new CorruptDataException(object, "patch record " + k + " (chunk " + i + ", " + bytes
                        + " bytes) out of order or inconsistent");
            }
            patches.put((int) i, new Patched(base, bytes));
            previous = i;
        }
    }

    public static FixedIndex decode(String object, byte[] body) throws CorruptDataException, UnsupportedFormatException {
        if (body.length < HEADER) {
            throw new CorruptDataException(object, "index truncated: " + body.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(body);
        Header h = header(object, b, body.length);
        byte[] stored = new byte[32];
        b.get(stored);
        int entriesEnd = HEADER + (int) h.count * ChunkId.BYTES;
        FixedIndex index = new FixedIndex(h.diskSize, h.chunkSize, Arrays.copyOfRange(body, HEADER, entriesEnd), null);
        b.position(entriesEnd);
        index.addPatchRecords(object, b, h.patchCount, h.count);
        if (!index.checksum().equals(HexFormat.of().formatHex(stored))) {
            throw new CorruptDataException(object, "index checksum mismatch");
        }
        return index;
    }
}
