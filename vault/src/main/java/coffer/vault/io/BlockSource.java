package coffer.vault.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A disk to be read into the vault: a raw file, a block device, an NBD export.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #size()} is fixed for the life of the source.</li>
 *   <li>{@link #dataExtents} MUST return the extents inside {@code [offset, offset+length)} that may hold
 *       non-zero data, ascending and non-overlapping, clipped to the range. Bytes outside every returned
 *       extent MUST read as zero; a source that cannot tell returns one extent covering the whole range.
 *       Returning more data than there is is allowed (it costs a read); returning less loses data.</li>
 *   <li>{@link #read} MUST fill {@code dst} completely from {@code offset} or throw; a read past
 *       {@link #size()} throws {@link java.io.EOFException}.</li>
 *   <li>{@link #read} and {@link #dataExtents} MUST be safe to call from several threads at once; the
 *       vault reads chunks in parallel.</li>
 *   <li>{@link #close()} releases every resource (file descriptors, child processes, sockets) and is
 *       idempotent.</li>
 * </ul>
 */
public interface BlockSource extends Closeable {

    /** The disk's virtual size in bytes. */
    long size();

    /** The extents in {@code [offset, offset + length)} that may hold data; see the class contract. */
    List<Extent> dataExtents(long offset, long length) throws IOException;

    /** Reads {@code dst.remaining()} bytes starting at {@code offset}. */
    void read(long offset, ByteBuffer dst) throws IOException;

    /** A short human description for messages, e.g. the file path or NBD export name. */
    String describe();
}
