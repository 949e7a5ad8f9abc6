package coffer.vault.format;

import coffer.vault.ChunkId;
import coffer.vault.CorruptDataException;
import coffer.vault.UnsupportedFormatException;
import coffer.vault.crypto.ChunkDigester;

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
 */
public final class FixedIndex {
    static final int MAGIC = 0x43464958; // "CFIX"
    /** The newest version this code reads; it writes version 1 for an index without patches. */
    public static final int VERSION = 2;
    static final int HEADER = 64;
    static final int PATCH_RECORD = 40;

    /** What the index records of a patch entry: its base chunk and how many bytes the patch replaces. */
    public record Patched(ChunkId base, int bytes) {
    }

    private final long diskSize;
    private final int chunkSize;
    private final byte[] entries;
    private final ConcurrentSkipListMap<Integer, Patched> patches = new ConcurrentSkipListMap<>();

    public FixedIndex(long diskSize, int chunkSize) {
        this.diskSize = diskSize;
        this.chunkSize = chunkSize;
        long count = chunkCount(diskSize, chunkSize);
        if (count * ChunkId.BYTES > Integer.MAX_VALUE - HEADER - 1024) {
            throw new IllegalArgumentException("disk of " + diskSize + " bytes has too many chunks of " + chunkSize
                    + " bytes for one index; use a larger chunk size");
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (count * ChunkId.BYTES > heap) { // an image header's size alone decides it: a clear error, not OutOfMemoryError
            throw new IllegalArgumentException("disk of " + diskSize + " bytes needs a chunk index of "
                    + (count * ChunkId.BYTES >> 20) + " MiB in memory, more than this process's whole heap ("
                    + (heap >> 20) + " MiB); run with a larger heap (COFFER_JAVA_OPTS=-Xmx…) or use a larger chunk size");
        }
        this.entries = new byte[(int) count * ChunkId.BYTES];
    }

    private FixedIndex(long diskSize, int chunkSize, byte[] entries) {
        this.diskSize = diskSize;
        this.chunkSize = chunkSize;
        this.entries = entries;
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
        return entries.length / ChunkId.BYTES;
    }

    /** Bytes of the disk covered by chunk {@code i} (the last chunk may be short). */
    public int lengthOf(int i) {
        return (int) Math.min(chunkSize, diskSize - (long) i * chunkSize);
    }

    /** Whether chunk {@code i} is all zeros (without making its id). */
    public boolean isZero(int i) {
        int bits = 0;
        for (int k = i * ChunkId.BYTES; k < (i + 1) * ChunkId.BYTES; k++) {
            bits |= entries[k];
        }
        return bits == 0;
    }

    public ChunkId get(int i) {
        return ChunkId.of(entries, i * ChunkId.BYTES);
    }

    /** Chunk {@code i} is the chunk {@code id} (or zeros). */
    public void set(int i, ChunkId id) {
        id.writeTo(entries, i * ChunkId.BYTES);
        patches.remove(i);
    }

    /** Chunk {@code i} is the patch {@code patch} over the chunk {@code base}, replacing {@code bytes} bytes. */
    public void setPatch(int i, ChunkId patch, ChunkId base, int bytes) {
        if (patch.isZero() || base.isZero() || bytes <= 0 || bytes > lengthOf(i)) {
            throw new IllegalArgumentException("bad patch entry " + i + ": patch " + patch + " base " + base + " bytes " + bytes);
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
        FixedIndex copy = new FixedIndex(diskSize, chunkSize, entries.clone());
        copy.patches.putAll(patches);
        return copy;
    }

    public byte[] encode() {
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

    public static FixedIndex decode(String object, byte[] body) throws CorruptDataException, UnsupportedFormatException {
        if (body.length < HEADER) {
            throw new CorruptDataException(object, "index truncated: " + body.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(body);
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
        if (patchCount > count || body.length != HEADER + count * ChunkId.BYTES + patchCount * PATCH_RECORD) {
            throw new CorruptDataException(object, "index truncated: " + count + " entries and " + patchCount
                    + " patch records declared in " + body.length + " bytes");
        }
        byte[] stored = new byte[32];
        b.get(stored);
        int entriesEnd = HEADER + (int) count * ChunkId.BYTES;
        FixedIndex index = new FixedIndex(diskSize, chunkSize, Arrays.copyOfRange(body, HEADER, entriesEnd));
        b.position(entriesEnd);
        long previous = -1;
        for (long k = 0; k < patchCount; k++) {
            long i = b.getInt() & 0xffffffffL;
            int bytes = b.getInt();
            ChunkId base = ChunkId.of(body, b.position());
            b.position(b.position() + ChunkId.BYTES);
            if (i <= previous || i >= count || index.get((int) i).isZero() || base.isZero() || bytes <= 0
                    || bytes > index.lengthOf((int) i)) {
                throw new CorruptDataException(object, "patch record " + k + " (chunk " + i + ", " + bytes
                        + " bytes) out of order or inconsistent");
            }
            index.patches.put((int) i, new Patched(base, bytes));
            previous = i;
        }
        if (!index.checksum().equals(HexFormat.of().formatHex(stored))) {
            throw new CorruptDataException(object, "index checksum mismatch");
        }
        return index;
    }
}
