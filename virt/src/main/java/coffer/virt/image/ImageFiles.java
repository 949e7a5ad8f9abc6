package coffer.virt.image;

import coffer.vault.fs.OwnerOnly;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What the file sinks ({@link RawFileSink}, {@link Qcow2FileSink}) do alike with the file they write: claim its
 * name, undo an opening that failed, write a buffer at a position, check a range, make the file and its directory
 * durable.
 *
 * <p>Stateless; thread-safe.
 */
final class ImageFiles {
    /** Heap buffers are written in windows: the JDK copies one through a direct buffer as large as the write. */
    private static final int HEAP_WINDOW = 1 << 20;
    /** The piece a sink leaves unwritten when it holds only zeros: a qcow2 cluster, and a raw file's as well. */
    static final int ZERO_PIECE = Qcow2Layout.CLUSTER;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZERO_PIECE).asReadOnlyBuffer();

    private ImageFiles() {
    }

    /**
     * Claims {@code path} for a new image: creates it owner-only (a restored disk holds guest data), or, with
     * {@code overwrite}, accepts an existing regular file. Returns whether this call created it (the caller
     * removes it again if it fails before the sink exists).
     *
     * @throws java.nio.file.FileAlreadyExistsException if it exists and {@code overwrite} is false
     */
    static boolean claim(Path path, boolean overwrite, String sink) throws IOException {
        if (Files.isDirectory(path)) {
            throw new FileSystemException(path.toString(), null, "is a directory, not a disk image");
        }
        if (!overwrite || !Files.exists(path)) {
            Files.createFile(path, OwnerOnly.file());
            return true;
        }
        if (!Files.isRegularFile(path)) {
            throw new FileSystemException(path.toString(), null, "is not a regular file; " + sink + " sinks write files");
        }
        return false;
    }

    /**
     * Undoes a sink's opening that failed, before the caller rethrows what failed: closes the second descriptor
     * {@code fd} (when it was opened: not -1) and {@code file} (when it was opened: not null), then removes the file
     * when {@link #claim} created it.
     */
    static void abandon(Path path, boolean created, Closeable file, int fd) throws IOException {
        if (fd >= 0) {
            Libc.close(fd);
        }
        if (file != null) {
            file.close();
        }
        if (created) {
            Files.deleteIfExists(path);
        }
    }

    /** Whether the {@code length} bytes of {@code src} from index {@code from} are all zero ({@code length} at most
     * {@link #ZERO_PIECE}). */
    static boolean isZero(ByteBuffer src, int from, int length) {
        return src.slice(from, length).mismatch(ZEROS.slice(0, length)) < 0;
    }

    /** The length of the piece at {@code offset} of a disk: up to the next {@link #ZERO_PIECE} boundary, at most
     * {@code remaining}. */
    static int pieceLength(long offset, long remaining) {
        return (int) Math.min(ZERO_PIECE - (offset & (ZERO_PIECE - 1)), remaining);
    }

    /** Writes all of {@code src} at {@code position}; returns the bytes written. */
    static long writeAt(FileChannel channel, ByteBuffer src, long position) throws IOException {
        int end = src.limit();
        long pos = position;
        try {
            while (src.hasRemaining()) {
                if (!src.isDirect()) {
                    src.limit(Math.min(end, src.position() + HEAP_WINDOW));
                }
                pos += channel.write(src, pos);
                src.limit(end);
            }
        } finally {
            src.limit(end);
        }
        return pos - position;
    }

    static void checkRange(Path path, long size, long offset, long length) throws IOException {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IOException("write of " + length + " bytes at offset " + offset + " is outside " + path
                    + " (" + size + " bytes)");
        }
    }

    /** Makes the file's data and its directory entry durable. */
    static void force(FileChannel channel, Path path) throws IOException {
        channel.force(true);
        Path directory = path.toAbsolutePath().getParent();
        if (directory != null) {
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            }
        }
    }
}
