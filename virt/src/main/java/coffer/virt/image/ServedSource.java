package coffer.virt.image;

import coffer.vault.io.BlockSource;
import coffer.vault.io.Extent;
import coffer.virt.nbd.NbdExportSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * An image read through the {@code qemu-nbd} that serves it: closing disconnects, then stops the server.
 *
 * <p>Thread-safe, as its parts are.
 */
final class ServedSource implements BlockSource {
    private final NbdExportSource source;
    private final QemuNbdServer server;

    ServedSource(NbdExportSource source, QemuNbdServer server) {
        this.source = source;
        this.server = server;
    }

    @Override
    public long size() {
        return source.size();
    }

    @Override
    public List<Extent> dataExtents(long offset, long length) throws IOException {
        return source.dataExtents(offset, length);
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        source.read(offset, dst);
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
            source.close();
        } finally {
            server.close();
        }
    }

    @Override
    public String toString() {
        return "ServedSource[" + server + "]";
    }
}
