package coffer.virt.image;

import coffer.vault.io.Extent;
import coffer.virt.nbd.NbdConnection;
import coffer.virt.nbd.NbdException;
import coffer.virt.nbd.NbdExport;
import coffer.virt.nbd.NbdExportSource;
import coffer.virt.nbd.NbdNegotiationException;
import coffer.virt.nbd.MetaContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static coffer.virt.image.Images.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QemuNbdServerIT {
    @TempDir
    Path dir;

    @BeforeEach
    void needQemu() {
        Images.requireQemuNbdTools();
    }

    private Path runtime() throws Exception {
        return Images.runtimeParent(dir);
    }

    @Test
    void closeLeavesNoProcessSocketOrDirectoryBehind() throws Exception {
        Path image = Images.sparseRaw(dir.resolve("disk.raw"), MiB, List.of(), 1);
        QemuNbdServer server = QemuNbdServer.start(image, QemuNbdServer.Options.readOnly("raw")
                .withRuntimeParent(runtime()));
        long pid = server.pid();
        Path socket = server.socket();
        assertTrue(server.alive());
        assertTrue(Files.exists(socket));
        try (NbdConnection connection = NbdConnection.open(server.export())) {
            assertEquals(MiB, connection.size());
            assertTrue(connection.readOnly());
        }
        server.close();
        server.close();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertFalse(Files.exists(socket));
        assertTrue(Images.isEmptyDirectory(runtime()));
    }

    @Test
    void aFailedStartReportsQemuNbdsErrorAndLeavesNothingBehind() throws Exception {
        Path notQcow2 = Files.writeString(dir.resolve("notes.txt"), "not a disk image\n");
        ExternalToolException e = assertThrows(ExternalToolException.class, () -> QemuNbdServer.start(notQcow2,
                QemuNbdServer.Options.readOnly("qcow2").withRuntimeParent(runtime())));
        assertTrue(e.getMessage().contains(notQcow2.toString()), e.getMessage());
        assertTrue(e.stderr().contains("qcow2"), e.stderr());
        assertTrue(e.exitStatus() > 0);
        assertTrue(Images.isEmptyDirectory(runtime()));
        assertEquals(List.of(), Images.qemuNbdChildren());

        assertThrows(ExternalToolException.class, () -> QemuNbdServer.start(dir.resolve("missing.qcow2"),
                QemuNbdServer.Options.readOnly("qcow2").withRuntimeParent(runtime())));
        assertTrue(Images.isEmptyDirectory(runtime()));
        assertEquals(List.of(), Images.qemuNbdChildren());
    }

    @Test
    void anUnknownExportNameIsRefusedWithTheServersReason() throws Exception {
        Path image = Images.sparseRaw(dir.resolve("disk.raw"), MiB, List.of(), 1);
        try (QemuNbdServer server = QemuNbdServer.start(image, QemuNbdServer.Options.readOnly("raw"))) {
            NbdNegotiationException e = assertThrows(NbdNegotiationException.class,
                    () -> NbdConnection.open(NbdExport.unix(server.socket(), "nope")));
            assertEquals("NBD_OPT_GO", e.option());
            assertEquals("NBD_REP_ERR_UNKNOWN", e.reply());
            assertTrue(e.getMessage().contains("nope"), e.getMessage());
        }
    }

    @Test
    void aReadPastTheEndIsAnNbdExceptionWithEinval() throws Exception {
        Path image = Images.sparseRaw(dir.resolve("disk.raw"), MiB, List.of(), 1);
        try (QemuNbdServer server = QemuNbdServer.start(image, QemuNbdServer.Options.readOnly("raw"));
             NbdConnection connection = NbdConnection.open(server.export())) {
            NbdException e = assertThrows(NbdException.class,
                    () -> connection.read(MiB - 512, ByteBuffer.allocate(4096)));
            assertEquals(22, e.error(), e.getMessage());
            assertEquals(MiB - 512, e.offset());
            connection.read(0, ByteBuffer.allocate(4096));
        }
    }

    @Test
    void dirtyExtentsOfAPersistentBitmapAreTheRangesWrittenSinceItStarted() throws Exception {
        Path image = dir.resolve("disk.qcow2");
        Images.mustRun("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "16M");
        Images.mustRun("qemu-io", "-f", "qcow2", "-c", "write -P 0x11 0 1M", image.toString());
        Images.mustRun("qemu-img", "bitmap", "--add", image.toString(), "b0");
        Images.mustRun("qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 4M 64k", "-c", "write -P 0x5b 9M 128k",
                image.toString());
        assertEquals(List.of("b0"), DiskImages.inspect(image, "qcow2").bitmaps());

        String context = MetaContext.dirtyBitmap("b0");
        try (QemuNbdServer server = QemuNbdServer.start(image, QemuNbdServer.Options.readOnly("qcow2")
                .withConnections(2).withBitmaps(List.of("b0")));
             NbdExportSource source = NbdExportSource.open(server.export(), 2, List.of(context))) {
            assertTrue(source.metaContexts().contains(context));
            assertEquals(List.of(new Extent(4L * MiB, 64 * 1024), new Extent(9L * MiB, 128 * 1024)),
                    source.dirtyExtents(context, 0, source.size()));
            assertEquals(List.of(new Extent(9L * MiB, 64 * 1024)),
                    source.dirtyExtents(context, 9L * MiB, 64 * 1024));
            assertEquals(List.of(new Extent(0, MiB), new Extent(4L * MiB, 64 * 1024),
                    new Extent(9L * MiB, 128 * 1024)), source.dataExtents(0, source.size()));
        }
    }
}
