package coffer.virt.image;

import coffer.vault.io.BlockSource;
import coffer.vault.io.Extent;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw disk image file or block device, read directly. {@link #dataExtents} asks the file system with
 * {@code lseek(SEEK_DATA/SEEK_HOLE)}: holes of a sparse file are not read. Block devices (and file systems
 * without that support) report everything as data, which the contract allows.
 *
 * <p>Thread-safe: reads are positional; the descriptor used for {@code lseek} is shared, which is safe because
 * each call's answer is its return value, never the file offset. {@link #close()} waits for calls in flight.
 */
final class RawFileSource implements BlockSource {
    private static final int HEAP_WINDOW = 1 << 20;

    private final Path path;
    private final FileChannel channel;
    private final int seekFd;
    private final long size;
    private final ImageFileHandle file;
    private volatile boolean seekDataWorks = true;

    private RawFileSource(Path path, FileChannel channel, int seekFd, long size) {
        this.path = path;
        this.channel = channel;
        this.seekFd = seekFd;
        this.size = size;
        this.file = new ImageFileHandle(path, channel, seekFd, size);
    }

    /** Opens a regular file or block device read-only; see {@link DiskImages} for the path checks. */
    static RawFileSource open(Path path, boolean blockDevice) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        int fd = -1;
        try {
            fd = Libc.open(path, Libc.O_RDONLY);
            long size = blockDevice ? Libc.lseek(fd, 0, Libc.SEEK_END, path) : channel.size();
            if (size < 0) {
                throw new IOException("cannot tell the size of " + path);
            }
            return new RawFileSource(path, channel, fd, size);
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (fd >= 0) {
                Libc.close(fd);
            }
            throw e;
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public List<Extent> dataExtents(long offset, long length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad range offset=" + offset + " length=" + length);
        }
        long end = Math.min(size, offset + length);
        if (offset >= end) {
            return List.of();
        }
        if (!seekDataWorks) {
            return List.of(new Extent(offset, end - offset));
        }
        try {
            return file.whileOpen(() -> seekExtents(offset, end));
        } catch (Libc.ErrnoException e) {
            if (e.errno() == Libc.EINVAL || e.errno() == Libc.EOPNOTSUPP) {
                seekDataWorks = false; // the file system cannot tell: all data
                return List.of(new Extent(offset, end - offset));
            }
            throw e;
        }
    }

    private List<Extent> seekExtents(long offset, long end) throws IOException {
        List<Extent> extents = new ArrayList<>();
        long pos = offset;
        while (pos < end) {
            long data = Libc.lseek(seekFd, pos, Libc.SEEK_DATA, path);
            if (data < 0 || data >= end) {
                break; // ENXIO: no data from pos to the end of the file
            }
            long hole = Libc.lseek(seekFd, data, Libc.SEEK_HOLE, path);
            long dataEnd = hole < 0 ? end : Math.min(hole, end);
            extents.add(new Extent(data, dataEnd - data));
            pos = dataEnd;
        }
        return List.copyOf(extents);
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        if (offset < 0 || offset + dst.remaining() > size) {
            throw new EOFException("read of " + dst.remaining() + " bytes at offset " + offset + " is past the end ("
                    + size + " bytes) of " + path);
        }
        int end = dst.limit();
        long pos = offset;
        try {
            while (dst.hasRemaining()) {
                if (!dst.isDirect()) {
                    dst.limit(Math.min(end, dst.position() + HEAP_WINDOW));
                }
                int n = channel.read(dst, pos);
                if (n < 0) {
                    throw new EOFException(path + " ended at " + pos + " while reading " + (end - dst.position())
                            + " more bytes; it shrank below its size " + size);
                }
                pos += n;
                dst.limit(end);
            }
        } finally {
            dst.limit(end);
        }
    }

    @Override
    public String describe() {
        return path.toString();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    @Override
    public String toString() {
        return "RawFileSource[" + path + ", " + size + " bytes]";
    }
}
