package coffer.virt.libvirt;

import coffer.testing.Await;
import coffer.vault.io.Extent;
import coffer.virt.nbd.MetaContext;
import coffer.virt.nbd.NbdExport;
import coffer.virt.nbd.NbdExportSource;
import coffer.virt.nbd.NbdNegotiationException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static coffer.virt.libvirt.LibvirtCheckpointIT.checkpoint;
import static coffer.virt.libvirt.TestDomains.MiB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LibvirtBackupIT extends WithTestDomains {
    private static final int SIZE_MIB = 16;
    private static final long SIZE = SIZE_MIB * (long) MiB;

    private Path socket(String tag) {
        return dir.resolve(tag + ".sock");
    }

    private Path scratch(String tag, String disk) {
        return dir.resolve(tag + "-" + disk + ".scratch");
    }

    /** A pull-mode backup of {@code disks} (full unless {@code incremental} is set) with scratch files in dir. */
    private String pullBackup(String tag, String incremental, String... disks) {
        StringBuilder xml = new StringBuilder("<domainbackup mode='pull'>");
        if (incremental != null) {
            xml.append("<incremental>").append(incremental).append("</incremental>");
        }
        xml.append("<server transport='unix' socket='").append(socket(tag)).append("'/><disks>");
        for (String disk : disks) {
            xml.append("<disk name='").append(disk).append("' backup='yes' type='file'><scratch file='")
                    .append(scratch(tag, disk)).append("'/></disk>");
        }
        return xml.append("</disks></domainbackup>").toString();
    }

    private static byte[] read(NbdExportSource source, long offset, int length) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        source.read(offset, buffer);
        return buffer.array();
    }

    private static void fill(byte[] model, int pattern, long offset, long length) {
        Arrays.fill(model, (int) offset, (int) (offset + length), (byte) pattern);
    }

    private void awaitGone(Path... files) throws InterruptedException {
        Await.until(() -> Arrays.stream(files).noneMatch(Files::exists), Duration.ofMinutes(1),
                () -> "files removed: " + Arrays.stream(files).filter(Files::exists).toList() + " still exist");
    }

    @Test
    void aFullPullBackupServesTheDiskAsItWasAtBackupBeginUntilTheJobIsAborted() throws Exception {
        String name = domains.start("full", SIZE_MIB, "qcow2");
        byte[] model = new byte[(int) SIZE];
        domains.write(name, 0, 0x55, 0, MiB);
        fill(model, 0x55, 0, MiB);
        domains.write(name, 0, 0xaa, 5 * MiB, 2 * MiB);
        fill(model, 0xaa, 5 * MiB, 2 * MiB);

        libvirt.backupBegin(name, pullBackup("b1", null, "vda"), checkpoint("c1", "vda"));
        domains.write(name, 0, 0xee, 0, MiB); // after the instant: the export must still show 0x55

        JobInfo job = libvirt.job(name).orElseThrow();
        assertTrue(job.isBackup(), job.toString());
        assertEquals(JobInfo.UNBOUNDED, job.type());
        assertEquals(SIZE, job.longField("disk_temp_total", -1), job.toString());
        String backupXml = libvirt.backupXml(name);
        assertTrue(backupXml.contains("exportname='vda'"), backupXml);
        assertTrue(backupXml.contains("backupmode='full'"), backupXml);
        assertEquals(List.of("c1"), libvirt.checkpoints(name));
        assertTrue(Files.exists(scratch("b1", "vda")));

        try (NbdExportSource source = NbdExportSource.open(NbdExport.unix(socket("b1"), "vda"), 2, List.of())) {
            assertEquals(SIZE, source.size());
            for (long offset = 0; offset < SIZE; offset += 4 * MiB) {
                assertArrayEquals(Arrays.copyOfRange(model, (int) offset, (int) offset + 4 * MiB),
                        read(source, offset, 4 * MiB), "bytes at " + offset);
            }
            assertEquals(List.of(new Extent(0, MiB), new Extent(5 * MiB, 2 * MiB)), source.dataExtents(0, SIZE));
        }

        libvirt.abortJob(name);
        // libvirt ends an aborted backup job when QEMU's block jobs report their end: wait for it, then it is gone
        assertTrue(libvirt.awaitNoBackupJob(name, java.time.Duration.ofSeconds(10)));
        assertEquals(Optional.empty(), libvirt.job(name));
        awaitGone(socket("b1"), scratch("b1", "vda"));
        assertEquals(List.of("c1"), libvirt.checkpoints(name));
        LibvirtException noJob = assertThrows(LibvirtException.class, () -> libvirt.abortJob(name));
        assertEquals(LibvirtException.OPERATION_INVALID, noJob.code());
    }

    @Test
    void onScratchImagesMadeBeforehandTheBackupServesTheInstantAndLeavesThemToTheCaller() throws Exception {
        String name = domains.start("reuse", SIZE_MIB, "qcow2");
        byte[] model = new byte[(int) SIZE];
        domains.write(name, 0, 0x66, 3 * MiB, MiB);
        fill(model, 0x66, 3 * MiB, MiB);
        Path wrongSize = scratch("b0", "vda");
        coffer.virt.image.DiskImages.createScratch(wrongSize, SIZE + MiB);
        LibvirtException sizes = assertThrows(LibvirtException.class,
                () -> libvirt.backupBeginOnScratch(name, pullBackup("b0", null, "vda"), checkpoint("c0", "vda")));
        assertTrue(sizes.getMessage().contains("different sizes"), sizes.getMessage());
        assertEquals(Optional.empty(), libvirt.job(name));
        assertEquals(List.of(), libvirt.checkpoints(name));

        coffer.virt.image.DiskImages.createScratch(scratch("b1", "vda"), SIZE);
        libvirt.backupBeginOnScratch(name, pullBackup("b1", null, "vda"), checkpoint("c1", "vda"));
        domains.write(name, 0, 0xee, 3 * MiB, MiB); // after the instant: copied into the scratch first
        try (NbdExportSource source = NbdExportSource.open(NbdExport.unix(socket("b1"), "vda"), 2, List.of())) {
            assertEquals(SIZE, source.size());
            assertArrayEquals(Arrays.copyOfRange(model, 0, 8 * MiB), read(source, 0, 8 * MiB));
        }
        libvirt.abortJob(name);
        assertTrue(libvirt.awaitNoBackupJob(name, java.time.Duration.ofSeconds(10)));
        assertTrue(Files.exists(scratch("b1", "vda")), "libvirt leaves a scratch file it did not make");
        assertTrue(Files.exists(wrongSize));
    }

    @Test
    void anIncrementalBackupsDirtyExtentsAreExactlyTheRangeWrittenSinceTheCheckpoint() throws Exception {
        String name = domains.start("incr", SIZE_MIB, "qcow2");
        domains.write(name, 0, 0x55, 0, MiB);
        libvirt.backupBegin(name, pullBackup("b1", null, "vda"), checkpoint("c1", "vda"));
        libvirt.abortJob(name);

        domains.write(name, 0, 0xaa, MiB, 2 * MiB);
        libvirt.backupBegin(name, pullBackup("b2", "c1", "vda"), checkpoint("c2", "vda"));
        String backupXml = libvirt.backupXml(name);
        assertTrue(backupXml.contains("backupmode='incremental' incremental='c1'"), backupXml);
        assertTrue(backupXml.contains("exportbitmap='backup-vda'"), backupXml);

        String context = MetaContext.dirtyBitmap("backup-vda");
        assertEquals("qemu:dirty-bitmap:backup-vda", context);
        try (NbdExportSource source = NbdExportSource.open(NbdExport.unix(socket("b2"), "vda"), 2,
                List.of(context))) {
            assertEquals(List.of(new Extent(MiB, 2 * MiB)), source.dirtyExtents(context, 0, source.size()));
            byte[] expected = new byte[2 * MiB];
            Arrays.fill(expected, (byte) 0xaa);
            assertArrayEquals(expected, read(source, MiB, 2 * MiB));
            byte[] before = new byte[MiB];
            Arrays.fill(before, (byte) 0x55);
            assertArrayEquals(before, read(source, 0, MiB));
        }
        libvirt.abortJob(name);
        awaitGone(socket("b2"), scratch("b2", "vda"));
        assertEquals(List.of("c1", "c2"), libvirt.checkpoints(name));
    }

    @Test
    void oneBackupCanReadOneDiskIncrementallyAndAnotherInFull() throws Exception {
        String name = domains.start("mixed", SIZE_MIB, "qcow2", "qcow2");
        libvirt.createCheckpoint(name, checkpoint("c1", "vda"), 0); // vdb as if attached after c1
        domains.write(name, 0, 0xaa, 2 * MiB, MiB);
        domains.write(name, 1, 0xbb, 0, 64 * 1024);

        String backup = "<domainbackup mode='pull'><server transport='unix' socket='" + socket("b1") + "'/><disks>"
                + "<disk name='vda' backup='yes' type='file' backupmode='incremental' incremental='c1'>"
                + "<scratch file='" + scratch("b1", "vda") + "'/></disk>"
                + "<disk name='vdb' backup='yes' type='file' backupmode='full'>"
                + "<scratch file='" + scratch("b1", "vdb") + "'/></disk></disks></domainbackup>";
        libvirt.backupBegin(name, backup, checkpoint("c2", "vda", "vdb"));

        String vdaContext = MetaContext.dirtyBitmap("backup-vda");
        try (NbdExportSource vda = NbdExportSource.open(NbdExport.unix(socket("b1"), "vda"), 1,
                List.of(vdaContext))) {
            assertEquals(List.of(new Extent(2 * MiB, MiB)), vda.dirtyExtents(vdaContext, 0, vda.size()));
        }
        assertThrows(NbdNegotiationException.class, () -> NbdExportSource.open(
                NbdExport.unix(socket("b1"), "vdb"), 1, List.of(MetaContext.dirtyBitmap("backup-vdb"))));
        try (NbdExportSource vdb = NbdExportSource.open(NbdExport.unix(socket("b1"), "vdb"), 1, List.of())) {
            assertEquals(List.of(new Extent(0, 64 * 1024)), vdb.dataExtents(0, vdb.size()));
            byte[] expected = new byte[64 * 1024];
            Arrays.fill(expected, (byte) 0xbb);
            assertArrayEquals(expected, read(vdb, 0, 64 * 1024));
        }
        libvirt.abortJob(name);
        awaitGone(socket("b1"), scratch("b1", "vda"), scratch("b1", "vdb"));
        assertTrue(libvirt.checkpointXml(name, "c2").contains("<disk name='vdb' checkpoint='bitmap' bitmap='c2'/>"));
    }

    @Test
    void backupBeginRefusesAnExistingScratchFileAndAShutOffDomain() throws Exception {
        String name = domains.start("refuse", SIZE_MIB, "qcow2");
        Files.writeString(scratch("b1", "vda"), "mine");
        LibvirtException exists = assertThrows(LibvirtException.class,
                () -> libvirt.backupBegin(name, pullBackup("b1", null, "vda"), null));
        assertEquals(LibvirtException.INVALID_ARG, exists.code());
        assertEquals("virDomainBackupBegin(domain '" + name + "')", exists.call());
        assertEquals("mine", Files.readString(scratch("b1", "vda")));
        assertEquals(Optional.empty(), libvirt.job(name));

        libvirt.destroy(name);
        LibvirtException off = assertThrows(LibvirtException.class,
                () -> libvirt.backupBegin(name, pullBackup("b2", null, "vda"), null));
        assertEquals(LibvirtException.OPERATION_UNSUPPORTED, off.code());
    }

    @Test
    void afterQemuIsKilledTheCheckpointIsInconsistentAndOnlyItsMetadataCanBeDeleted() throws Exception {
        String name = domains.start("crash", SIZE_MIB, "qcow2");
        libvirt.createCheckpoint(name, checkpoint("c1", "vda"), 0);
        long pid = Long.parseLong(Files.readString(Path.of("/run/libvirt/qemu/" + name + ".pid")).strip());
        ProcessHandle qemu = ProcessHandle.of(pid).orElseThrow();
        assertTrue(qemu.destroyForcibly()); // SIGKILL of the QEMU this test started: a host crash for QEMU
        qemu.onExit().get();
        Await.until(() -> !libvirt.state(name).active(), Duration.ofMinutes(1), () -> "libvirt to see its QEMU gone");
        assertEquals(DomainState.SHUTOFF, libvirt.state(name));
        libvirt.start(name);

        assertEquals(List.of("c1"), libvirt.checkpoints(name));
        LibvirtException inconsistent = assertThrows(LibvirtException.class,
                () -> libvirt.backupBegin(name, pullBackup("b1", "c1", "vda"), checkpoint("c2", "vda")));
        assertEquals(LibvirtException.CHECKPOINT_INCONSISTENT, inconsistent.code());
        assertThrows(LibvirtException.class, () -> libvirt.deleteCheckpoint(name, "c1", false));
        libvirt.deleteCheckpoint(name, "c1", true);
        assertEquals(List.of(), libvirt.checkpoints(name));
        libvirt.backupBegin(name, pullBackup("b2", null, "vda"), checkpoint("c1", "vda"));
        libvirt.abortJob(name);
    }
}
