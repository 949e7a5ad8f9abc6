package coffer.vault.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A disk being restored from the vault: a sparse raw file, a qcow2 file behind {@code qemu-nbd}, a device.
 *
 * <p>Contract:
 * <ul>
 *   <li>A new sink reads as all zeros over its whole {@link #size()}; the restorer writes only the
 *       chunks that hold data, so ranges never written MUST stay zero (and SHOULD stay unallocated).</li>
 *   <li>{@link #write} MUST write all of {@code src} at {@code offset}; it is called from several threads at
 *       once for disjoint ranges.</li>
 *   <li>{@link #commit()} makes everything written durable; only after it returns is the restore complete.
 *       A sink closed without commit MAY be left partially written; the caller removes it.</li>
 *   <li>{@link #close()} releases every resource and is idempotent.</li>
 * </ul>
 */
public interface BlockSink extends Closeable {

    long size();

    void write(long offset, ByteBuffer src) throws IOException;

    /** If the range is known to hold data that must become zero (in-place restores), zero it. */
    void writeZeroes(long offset, long length) throws IOException;

    void commit() throws IOException;

    String describe();
}
