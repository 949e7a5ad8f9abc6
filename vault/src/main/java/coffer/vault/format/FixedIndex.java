package coffer.vault.format;

import coffer.vault.ChunkId;
import coffer.vault.CorruptDataException;
import coffer.vault.UnsupportedFormatException;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A disk in the vault: its size, its chunk size, and one chunk id per chunk-aligned range (all zeros for a
 * range of zeros). Body format of INDEX objects (docs/format/index.md):
 * <pre>
 *   0  4  magic "CFIX"
 *   4  2  index version (1)
 *   6  2  reserved, 0
 *   8  4  chunk size
 *  12  4  reserved, 0
 *  16  8  disk size in bytes
 *  24  8  chunk count = ceil(disk size / chunk size)
 *  32 32  checksum: SHA-256 over all entries in order
 *  64  .. entries, 32 bytes each
 * </pre>
 * An incremental point starts from the previous index only when that index's checksum equals the one its
 * manifest recorded.
 *
 * <p>Mutable while a disk is written (distinct indexes may be set from several threads; the backing array
 * is never resized), then treated as immutable.
 */
public final class FixedIndex {
    static final int MAGIC = 0x43464958; // "CFIX"
    public static final int VERSION = 1;
    static final int HEADER = 64;

    private final long diskSize;
    private final int chunkSize;
    private final byte[] entries;

    public FixedIndex(long diskSize, int chunkSize) {
        this.diskSize = diskSize;
        this.chunkSize = chunkSize;
        long count = chunkCount(diskSize, chunkSize);
        if (count * ChunkId.BYTES > Integer.MAX_VALUE - HEADER - 1024) {
            throw new IllegalArgumentException("disk of " + diskSize + " bytes has too many chunks of " + chunkSize
                    + " bytes for one index; use a larger chunk size");
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

    public ChunkId get(int i) {
        return ChunkId.of(entries, i * ChunkId.BYTES);
    }

    public void set(int i, ChunkId id) {
        id.writeTo(entries, i * ChunkId.BYTES);
    }

    public String checksum() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(entries));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public FixedIndex copy() {
        return new FixedIndex(diskSize, chunkSize, entries.clone());
    }

    public byte[] encode() {
        byte[] out = new byte[HEADER + entries.length];
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putInt(MAGIC).putShort((short) VERSION).putShort((short) 0).putInt(chunkSize).putInt(0)
                .putLong(diskSize).putLong(chunkCount());
        b.put(HexFormat.of().parseHex(checksum()));
        b.put(entries);
        return out;
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
        if (version != VERSION) {
            throw new UnsupportedFormatException(object, "fixed index", version, VERSION);
        }
        b.getShort();
        int chunkSize = b.getInt();
        b.getInt();
        long diskSize = b.getLong();
        long count = b.getLong();
        if (chunkSize <= 0 || diskSize < 0 || count != chunkCount(diskSize, chunkSize)) {
            throw new CorruptDataException(object, "index header inconsistent (size " + diskSize + ", chunk size "
                    + chunkSize + ", count " + count + ")");
        }
        if (body.length != HEADER + count * ChunkId.BYTES) {
            throw new CorruptDataException(object, "index truncated: " + count + " entries declared, "
                    + (body.length - HEADER) / ChunkId.BYTES + " present");
        }
        byte[] stored = new byte[32];
        b.get(stored);
        FixedIndex index = new FixedIndex(diskSize, chunkSize, Arrays.copyOfRange(body, HEADER, body.length));
        if (!index.checksum().equals(HexFormat.of().formatHex(stored))) {
            throw new CorruptDataException(object, "index checksum mismatch");
        }
        return index;
    }
}
