package coffer.virt.image;

import coffer.vault.io.BlockSink;
import coffer.virt.nbd.NbdExportSink;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An image written through the {@code qemu-nbd} that serves it: commit flushes over NBD; closing disconnects,
 * then stops the server, which closes the image cleanly.
 *
 * <p>Thread-safe, as its parts are.
 */
final class ServedSink implements BlockSink {
    private final NbdExportSink sink;
    private final QemuNbdServer server;
    private final long size;

    ServedSink(NbdExportSink sink, QemuNbdServer server, long size) {
        this.sink = sink;
        this.server = server;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        sink.write(offset, src);
    }

    @Override
    public void writeZeroes(long offset, long length) throws IOException {
        sink.writeZeroes(offset, length);
    }

    @Override
    public void commit() throws IOException {
        sink.commit();
    }

    QemuNbdServer server() {
        return server;
    }

    @Override
    public String describe() {
        return server.image().toString();
    }

    @Override
    public void close() {
        try {
            sink.close();
        } finally {
            server.close();
        }
    }
}
