package coffer.vault.backend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Native buffers aligned for {@code O_DIRECT} writes ({@link NewFile#writeUnnamed}): taken for one write and given
 * back. At most {@link #KEPT} are kept between writes (a backup's chunk workers, a few per core), each freed when
 * dropped, so the memory held stays bounded whatever the number of threads that ever wrote. A buffer is replaced
 * by a larger one when an object does not fit.
 *
 * <p>Thread-safe.
 */
final class AlignedBuffers {
    /** {@code O_DIRECT}'s alignment of memory, file offset and length on every Linux block device in use. */
    static final int ALIGNMENT = 4096;
    /** Buffers kept between writes. */
    static final int KEPT = 16;
    /** The smallest buffer made: a default chunk (512 KiB) sealed, rounded up. */
    private static final long SMALLEST = 576 << 10;

    /** A buffer and the arena that frees it. */
    record Buffer(Arena arena, MemorySegment segment) {
    }

    private final ArrayBlockingQueue<Buffer> kept = new ArrayBlockingQueue<>(KEPT);

    /** A buffer of at least {@code bytes} ({@link #ALIGNMENT}-aligned), to {@link #give} back. */
    Buffer take(long bytes) {
        Buffer buffer = kept.poll();
        if (buffer != null && buffer.segment().byteSize() >= bytes) {
            return buffer;
        }
        if (buffer != null) {
            buffer.arena().close();
        }
        Arena arena = Arena.ofShared();
        long size = Math.max(SMALLEST, roundUp(bytes));
        return new Buffer(arena, arena.allocate(size, ALIGNMENT));
    }

    /** Back for another write, or freed when {@link #KEPT} are kept already. */
    void give(Buffer buffer) {
        if (!kept.offer(buffer)) {
            buffer.arena().close();
        }
    }

    /** {@code bytes} rounded up to {@link #ALIGNMENT}. */
    private static long roundUp(long bytes) {
        return (bytes + ALIGNMENT - 1) & -(long) ALIGNMENT;
    }
}
