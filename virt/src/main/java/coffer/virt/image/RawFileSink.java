package coffer.virt.image;

import coffer.vault.io.BlockSink;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A new raw image file, sparse: it is created at its full length without allocating anything, so ranges the
 * restore never writes stay holes. A write's 64 KiB pieces (aligned in the disk) that hold only zeros are punched, not
 * written, as {@link Qcow2FileSink} leaves such clusters unallocated: a chunk with data in part of it stays as
 * sparse as the disk it restores, and no zeros pass through the page cache to the device (docs/performance.md,
 * session 26).
 * {@link #writeZeroes} punches a hole ({@code fallocate PUNCH_HOLE|KEEP_SIZE}) or, where the file system cannot,
 * writes zeros. {@link #commit()} syncs the file and its directory. Over a block device every byte written is
 * written, zeros too (the device's old data would show through a piece left out).
 *
 * <p>Thread-safe: writes are positional; {@link #close()} waits for calls in flight ({@link ImageFileHandle}).
 */
final class RawFileSink implements BlockSink {
    private static final int ZERO_BUFFER = 1 << 20;

    private final ImageFileHandle file;
    /** Whether what is never written reads as zeros (a new file, not a device): zero pieces are then left out. */
    private final boolean holesReadZero;
    private volatile boolean punchWorks = true;

    /** {@code punchFd}: a second, write-only descriptor of the file; both are closed with the sink. */
    private RawFileSink(Path path, RandomAccessFile file, int punchFd, long size, boolean holesReadZero) {
        this.file = new ImageFileHandle(path, file.getChannel(), punchFd, size); // closing the channel closes file
        this.holesReadZero = holesReadZero;
    }

    /**
     * Writes over an existing block device (an LVM logical volume, a loop device) of at least {@code size} bytes:
     * nothing is created or truncated, and zeros are written, never punched (a device keeps its old data where
     * nothing is written, so the writer must zero the holes of what it restores).
     */
    static RawFileSink device(Path path, long size) throws IOException {
        RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
        int fd = -1;
        try {
            fd = Libc.open(path, Libc.O_WRONLY);
            long capacity = Libc.lseek(fd, 0, Libc.SEEK_END, path);
            if (capacity < size) {
                throw new FileSystemException(path.toString(), null, "the device holds " + capacity + " bytes; the disk needs "
                        + size);
            }
            RawFileSink sink = new RawFileSink(path, file, fd, size, false);
            sink.punchWorks = false;
            return sink;
        } catch (IOException | RuntimeException e) {
            ImageFiles.abandon(path, false, file, fd);
            throw e;
        }
    }

    /**
     * Creates {@code path} with length {@code size}. Fails with {@link java.nio.file.FileAlreadyExistsException}
     * if it exists, unless {@code overwrite}: then its old content is dropped first. A file this call created is
     * removed again if the call fails.
     */
    static RawFileSink create(Path path, long size, boolean overwrite) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size + " for " + path);
        }
        boolean created = ImageFiles.claim(path, overwrite, "raw");
        RandomAccessFile file = null;
        int fd = -1;
        try {
            file = new RandomAccessFile(path.toFile(), "rw");
            file.setLength(0); // an overwritten file must read as zeros: drop every old block
            file.setLength(size);
            fd = Libc.open(path, Libc.O_WRONLY);
            return new RawFileSink(path, file, fd, size, true);
        } catch (IOException | RuntimeException e) {
            ImageFiles.abandon(path, created, file, fd);
            throw e;
        }
    }

    @Override
    public long size() {
        return file.size();
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        file.checkRange(offset, src.remaining());
        if (!holesReadZero) {
            file.whileOpen(() -> writeRun(src, offset));
            return;
        }
        int base = src.position();
        int length = src.remaining();
        // runs of pieces alike (data, or zeros only), each written or punched at once
        for (int runStart = 0; runStart < length; ) {
            int first = ImageFiles.pieceLength(offset + runStart, length - runStart);
            boolean zero = ImageFiles.isZero(src, base + runStart, first);
            int at = runStart + first;
            while (at < length) {
                int n = ImageFiles.pieceLength(offset + at, length - at);
                if (ImageFiles.isZero(src, base + at, n) != zero) {
                    break;
                }
                at += n;
            }
            ByteBuffer run = src.slice(base + runStart, at - runStart);
            long runOffset = offset + runStart;
            if (!zero) {
                file.whileOpen(() -> writeRun(run, runOffset));
            } else if (!punchWorks || !punched(runOffset, run.remaining())) {
                file.whileOpen(() -> writeRun(run, runOffset)); // zeros written where no hole can be punched
            }
            runStart = at;
        }
        src.position(src.limit());
    }

    /** Writes all of {@code src} at {@code offset} and starts its write-back; the caller is
     * {@link ImageFileHandle#whileOpen}. */
    private void writeRun(ByteBuffer src, long offset) throws IOException {
        long written = file.writeAt(src, offset);
        Libc.startWriteback(file.fd(), offset, written);
    }

    @Override
    public void writeZeroes(long offset, long length) throws IOException {
        file.checkRange(offset, length);
        if (length == 0) {
            return;
        }
        if (punchWorks && punched(offset, length)) {
            return;
        }
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(ZERO_BUFFER, length));
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(zeros.capacity(), length - done);
            long at = offset + done;
            ByteBuffer piece = zeros.clear().limit(n);
            file.whileOpen(() -> writeRun(piece, at)); // written, never left out: the range may hold data
            done += n;
        }
    }

    /** Punches a hole over the range; false when the file system cannot (then {@link #punchWorks} is false). */
    private boolean punched(long offset, long length) throws IOException {
        boolean[] done = {false};
        file.whileOpen(() -> {
            try {
                Libc.fallocate(file.fd(), Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, offset, length, file.path());
                done[0] = true;
            } catch (Libc.ErrnoException e) {
                if (e.errno() != Libc.EOPNOTSUPP && e.errno() != Libc.ENOSYS && e.errno() != Libc.EINVAL) {
                    throw e;
                }
                punchWorks = false; // the file system cannot punch holes: write zeros instead
            }
        });
        return done[0];
    }

    @Override
    public void commit() throws IOException {
        file.whileOpen(file::force);
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
