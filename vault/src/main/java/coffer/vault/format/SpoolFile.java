package coffer.vault.format;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An unlinked temporary file holding a sealed object's payload while it is sealed or opened as a stream
 * (docs/format/index.md, "Memory"): in {@code coffer.index.tmpdir}, else {@code java.io.tmpdir}, like
 * {@link IndexFile}, and removed from its directory as soon as it is open, so even a killed process leaves none.
 *
 * <p>Not thread-safe.
 */
final class SpoolFile implements AutoCloseable {
    private final FileChannel channel;

    private SpoolFile(FileChannel channel) {
        this.channel = channel;
    }

    static SpoolFile create() throws IOException {
        String dir = System.getProperty(IndexFile.DIRECTORY_PROPERTY, System.getProperty("java.io.tmpdir"));
        Path path = Files.createTempFile(Path.of(dir), "coffer-spool-", ".tmp");
        try {
            return new SpoolFile(FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
        } finally {
            Files.delete(path);
        }
    }

    long size() throws IOException {
        return channel.size();
    }

    /** Appends to the file, buffered: flush it when done (closing it would close the file). */
    OutputStream output() {
        return new java.io.BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
    }

    /** The file from its start; closing the stream leaves the file open. */
    InputStream input() {
        return new InputStream() {
            private long at;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                int n = channel.read(ByteBuffer.wrap(b, off, len), at);
                if (n > 0) {
                    at += n;
                }
                return n;
            }
        };
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
