package coffer.virt.image;

import coffer.vault.io.ForwardingBlockSource;
import coffer.virt.nbd.NbdExportSource;

/**
 * An image read through the {@code qemu-nbd} that serves it: closing disconnects, then stops the server.
 *
 * <p>Thread-safe, as its parts are.
 */
final class ServedSource extends ForwardingBlockSource {
    private final NbdExportSource export;
    private final QemuNbdServer server;

    ServedSource(NbdExportSource export, QemuNbdServer server) {
        super(export);
        this.export = export;
        this.server = server;
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
            export.close();
        } finally {
            server.close();
        }
    }

    @Override
    public String toString() {
        return "ServedSource[" + server + "]";
    }
}
