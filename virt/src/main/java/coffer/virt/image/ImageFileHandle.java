package coffer.virt.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The open image file a file sink ({@link RawFileSink}, {@link Qcow2FileSink}) writes or {@link RawFileSource}
 * reads: its channel, a second descriptor for the calls Java has no API for ({@code fallocate},
 * {@code sync_file_range}, {@code lseek} for data and holes), the image's size with the range check every write
 * makes, and the closed flag. Calls run {@link #whileOpen while open}: under the
 * shared side of a lock whose exclusive side {@link #close()} takes, so closing waits for the calls in flight and
 * a call after it fails instead of writing into a closed or reused descriptor.
 *
 * <p>Thread-safe.
 */
final class ImageFileHandle implements AutoCloseable {
    /** A call on the open file. */
    @FunctionalInterface
    interface Action {
        void run() throws IOException;
    }

    /** A call on the open file that answers. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws IOException;
    }

    private final Path path;
    private final FileChannel channel;
    private final int fd;
    private final long size;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lifecycle

    /** Takes ownership of {@code channel} and {@code fd}: {@link #close()} closes both. */
    ImageFileHandle(Path path, FileChannel channel, int fd, long size) {
        this.path = path;
        this.channel = channel;
        this.fd = fd;
        this.size = size;
    }

    Path path() {
        return path;
    }

    FileChannel channel() {
        return channel;
    }

    /** The second descriptor, for {@link Libc}. */
    int fd() {
        return fd;
    }

    long size() {
        return size;
    }

    /** Fails when {@code [offset, offset + length)} is not inside the image. */
    void checkRange(long offset, long length) throws IOException {
        ImageFiles.checkRange(path, size, offset, length);
    }

    /** Runs {@code action} unless the file is closed; {@link #close()} waits for it. */
    void whileOpen(Action action) throws IOException {
        whileOpen(() -> {
            action.run();
            return null;
        });
    }

    /** Runs {@code call} unless the file is closed, and returns its answer; {@link #close()} waits for it. */
    <T> T whileOpen(Call<T> call) throws IOException {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IOException(path + " is closed");
            }
            return call.run();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Writes all of {@code src} at {@code position} (the caller is {@link #whileOpen}); returns the bytes written. */
    long writeAt(ByteBuffer src, long position) throws IOException {
        return ImageFiles.writeAt(channel, src, position);
    }

    /** Makes the file's data and its directory entry durable. */
    void force() throws IOException {
        ImageFiles.force(channel, path);
    }

    String describe() {
        return path.toString();
    }

    /** Closes both descriptors once calls in flight have ended; later calls fail. Idempotent. */
    @Override
    public void close() throws IOException {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            Libc.close(fd);
            channel.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
