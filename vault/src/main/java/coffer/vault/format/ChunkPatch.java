package coffer.vault.format;

import coffer.vault.ChunkId;
import coffer.vault.CorruptDataException;
import coffer.vault.UnsupportedFormatException;
import coffer.vault.io.Extent;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A chunk stored as the changes to a base chunk: what an incremental stores for a chunk of which a dirty
 * bitmap says only a small part changed, so that only that part is read from the disk and stored. Body
 * format of PATCH objects (docs/format/objects.md#patches):
 * <pre>
 *   0  4  magic "CFPT"
 *   4  2  patch version (1)
 *   6  2  reserved, 0
 *   8 32  base chunk id (a stored chunk, never zero, never itself a patch)
 *  40  4  chunk length: bytes of the disk the chunk covers (the base holds exactly as many)
 *  44  4  range count n
 *  48  8n ranges: offset in the chunk, length (4 bytes each); ascending, disjoint, not touching, non-empty
 *  ..  .. the ranges' new bytes, in order
 * </pre>
 * The chunk's content is the base's with each range replaced by its bytes.
 *
 * <p>Immutable after construction (the data array is not copied: callers must not change it).
 */
public final class ChunkPatch {
    static final int MAGIC = 0x43465054; // "CFPT"
    public static final int VERSION = 1;
    static final int HEADER = 48;

    private final ChunkId base;
    private final int chunkLength;
    private final int[] offsets;
    private final int[] lengths;
    private final byte[] body;
    private final int dataStart;

    private ChunkPatch(ChunkId base, int chunkLength, int[] offsets, int[] lengths, byte[] body, int dataStart) {
        this.base = base;
        this.chunkLength = chunkLength;
        this.offsets = offsets;
        this.lengths = lengths;
        this.body = body;
        this.dataStart = dataStart;
    }

    /**
     * The body of a patch over {@code base} whose ranges, relative to the chunk, are {@code ranges}
     * (ascending, disjoint, not touching) and whose new bytes are those of {@code chunk} at the same offsets.
     */
    public static byte[] encode(ChunkId base, int chunkLength, List<Extent> ranges, byte[] chunk) {
        if (base.isZero()) {
            throw new IllegalArgumentException("a patch needs a stored base chunk, not the zero chunk");
        }
        long data = 0;
        long previousEnd = -1;
        for (Extent r : ranges) {
            if (r.length() == 0 || r.offset() <= previousEnd || r.end() > chunkLength) {
                throw new IllegalArgumentException("patch ranges must be non-empty, ascending, apart and inside the "
                        + chunkLength + "-byte chunk: " + ranges);
            }
            previousEnd = r.end();
            data += r.length();
        }
        byte[] body = new byte[Math.toIntExact(HEADER + 8L * ranges.size() + data)];
        ByteBuffer b = ByteBuffer.wrap(body);
        b.putInt(MAGIC).putShort((short) VERSION).putShort((short) 0);
        base.writeTo(body, 8);
        b.position(40);
        b.putInt(chunkLength).putInt(ranges.size());
        for (Extent r : ranges) {
            b.putInt((int) r.offset()).putInt((int) r.length());
        }
        for (Extent r : ranges) {
            b.put(chunk, (int) r.offset(), (int) r.length());
        }
        return body;
    }

    public static ChunkPatch decode(String object, byte[] body) throws CorruptDataException, UnsupportedFormatException {
        if (body.length < HEADER) {
            throw new CorruptDataException(object, "patch truncated: " + body.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(body);
        if (b.getInt() != MAGIC) {
            throw new CorruptDataException(object, "not a chunk patch (bad magic)");
        }
        int version = b.getShort() & 0xffff;
        if (version != VERSION) {
            throw new UnsupportedFormatException(object, "chunk patch", version, VERSION);
        }
        ChunkId base = ChunkId.of(body, 8);
        b.position(40);
        int chunkLength = b.getInt();
        int count = b.getInt();
        if (base.isZero() || chunkLength <= 0 || count < 0 || count > (body.length - HEADER) / 8) {
            throw new CorruptDataException(object, "patch header inconsistent (chunk length " + chunkLength
                    + ", " + count + " ranges)");
        }
        int[] offsets = new int[count];
        int[] lengths = new int[count];
        long previousEnd = -1;
        long data = 0;
        for (int k = 0; k < count; k++) {
            offsets[k] = b.getInt();
            lengths[k] = b.getInt();
            long end = (long) offsets[k] + lengths[k];
            if (offsets[k] <= previousEnd || lengths[k] <= 0 || end > chunkLength) {
                throw new CorruptDataException(object, "patch range " + k + " (" + offsets[k] + "+" + lengths[k]
                        + ") out of order or outside the " + chunkLength + "-byte chunk");
            }
            previousEnd = end;
            data += lengths[k];
        }
        int dataStart = HEADER + 8 * count;
        if (dataStart + data != body.length) {
            throw new CorruptDataException(object, "patch holds " + (body.length - dataStart) + " bytes of data where its ranges need " + data);
        }
        return new ChunkPatch(base, chunkLength, offsets, lengths, body, dataStart);
    }

    public ChunkId base() {
        return base;
    }

    /**
     * The body of this patch over {@code newBase} instead of its base: the same ranges and bytes. A replica
     * needs it: the same base content has another id in a vault with another chunk-id key.
     */
    public byte[] rebasedBody(ChunkId newBase) {
        if (newBase.isZero()) {
            throw new IllegalArgumentException("a patch needs a stored base chunk, not the zero chunk");
        }
        byte[] copy = body.clone();
        newBase.writeTo(copy, 8);
        return copy;
    }

    public int chunkLength() {
        return chunkLength;
    }

    /**
     * The ranges the patch replaces, relative to its chunk: ascending, disjoint. Outside them the patched chunk is its
     * base's bytes (what an in-place quick rollback relies on: docs/design/change-tracking.md, "Quick rollback").
     */
    public List<Extent> ranges() {
        List<Extent> ranges = new java.util.ArrayList<>(offsets.length);
        for (int k = 0; k < offsets.length; k++) {
            ranges.add(new Extent(offsets[k], lengths[k]));
        }
        return List.copyOf(ranges);
    }

    /** Bytes the patch replaces. */
    public int patchedBytes() {
        return body.length - dataStart;
    }

    /** Replaces the ranges of {@code chunk}, which holds the base's {@link #chunkLength()} bytes. */
    public void applyTo(byte[] chunk) {
        int from = dataStart;
        for (int k = 0; k < offsets.length; k++) {
            System.arraycopy(body, from, chunk, offsets[k], lengths[k]);
            from += lengths[k];
        }
    }
}
