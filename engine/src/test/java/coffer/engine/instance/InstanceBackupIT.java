package coffer.engine.instance;

import coffer.engine.JobProgress;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.vault.PointManifest;
import coffer.virt.domain.DomainDefinition;
import coffer.virt.image.ImageFormat;
import coffer.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Instance backup and restore against real libvirt domains: every point restores to exactly the disk
 * content at its time; incrementals store only what was written; broken chains fall back to full reads.
 */
class InstanceBackupIT {
    private static final int CHUNK = 256 * 1024;
    @TempDir Path dir;
    @RegisterExtension final InstanceFixture fx = new InstanceFixture(() -> dir, CHUNK);
    TestDomain domain;

    private InstanceBackup.Result backup() {
        return new InstanceBackup(fx.libvirt(), fx.vault(), fx.runtime()).run(
                new InstanceBackup.Request(domain.name, Set.of(), 2, PointFacts.NONE), listener());
    }

    private static JobProgress listener() {
        return new JobProgress() {
            @Override
            public void starting(long totalBytes) {
            }

            @Override
            public void advance(long bytes) {
            }
        };
    }

    private String restoredSha(PointManifest point, String disk) throws Exception {
        Path file = dir.resolve("restored-" + point.id() + "-" + disk + ".raw");
        new InstanceRestore(fx.libvirt(), fx.vault(), 2).disk(point.id(), disk, file, ImageFormat.RAW, false, listener());
        try {
            return TestData.sha256(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private DiskPlan plan(InstanceBackup.Result result, String disk) {
        return result.plans().stream().filter(p -> p.target().equals(disk)).findFirst().orElseThrow();
    }

    @Test
    void incrementalsReadOnlyWrittenRangesAndEveryPointRestoresExactly() throws Exception {
        Map<String, String> formats = new LinkedHashMap<>();
        formats.put("vda", "qcow2");
        formats.put("vdb", "raw");
        domain = fx.domain(formats, 32);
        List<PointManifest> points = new ArrayList<>();
        List<Map<String, String>> expected = new ArrayList<>();

        InstanceBackup.Result full = backup();
        assertEquals(DiskPlan.Mode.FULL, plan(full, "vda").mode());
        points.add(full.point());
        expected.add(Map.of("vda", domain.sha("vda"), "vdb", domain.sha("vdb")));
        assertEquals(List.of(PointFacts.of(full.point()).checkpoint()), fx.libvirt().checkpoints(domain.name));

        domain.write("vda", 3L << 20, 100_000, 0xaa);      // inside one 256 KiB chunk
        domain.write("vda", 20L << 20, 300_000, 0xbb);     // two chunks
        domain.write("vdb", 5L << 20, 4096, 0xcc);
        InstanceBackup.Result second = backup();
        assertEquals(DiskPlan.Mode.INCREMENTAL, plan(second, "vda").mode());
        assertEquals(DiskPlan.Mode.FULL, plan(second, "vdb").mode(), "raw disks have no bitmap");
        PointManifest.Disk vda = second.point().disk("vda");
        // 100,000 bytes in one chunk (two 64 KiB bitmap blocks: a patch), 300,000 over a whole chunk (read whole)
        // and 37,856 bytes of the next (one block: a patch); whole chunks would be 4 x 256 KiB
        assertTrue(vda.readBytes() <= 2 * 65536 + CHUNK + 65536, "read only the dirty blocks: " + vda.readBytes());
        assertTrue(vda.newChunks() <= 4, "stored only chunks under written ranges: " + vda.newChunks());
        assertTrue(second.point().disk("vdb").newChunks() <= 1, "raw disk deduplicated: " + second.point().disk("vdb").newChunks());
        points.add(second.point());
        expected.add(Map.of("vda", domain.sha("vda"), "vdb", domain.sha("vdb")));
        assertEquals(List.of(PointFacts.of(second.point()).checkpoint()), fx.libvirt().checkpoints(domain.name),
                "only the newest checkpoint is kept");

        InstanceBackup.Result third = backup(); // nothing written
        assertEquals(0, third.point().disk("vda").readBytes());
        points.add(third.point());
        expected.add(Map.of("vda", domain.sha("vda"), "vdb", domain.sha("vdb")));

        for (int i = 0; i < points.size(); i++) {
            for (String disk : List.of("vda", "vdb")) {
                assertEquals(expected.get(i).get(disk), restoredSha(points.get(i), disk), "point " + i + " disk " + disk);
            }
        }
        assertRuntimeClean();
    }

    @Test
    void hotAddedDiskIsReadInFullWhileTheOthersStayIncremental() throws Exception {
        domain = fx.domain(Map.of("vda", "qcow2"), 16);
        backup();
        domain.hotAdd("vdb", 16);
        domain.write("vda", 1L << 20, 8192, 0x11);
        InstanceBackup.Result second = backup();
        assertEquals(DiskPlan.Mode.INCREMENTAL, plan(second, "vda").mode());
        assertEquals(DiskPlan.Mode.FULL, plan(second, "vdb").mode());
        assertEquals(domain.sha("vda"), restoredSha(second.point(), "vda"));
        assertEquals(domain.sha("vdb"), restoredSha(second.point(), "vdb"));
        domain.write("vdb", 2L << 20, 8192, 0x22);
        InstanceBackup.Result third = backup();
        assertEquals(DiskPlan.Mode.INCREMENTAL, plan(third, "vdb").mode(), "the new disk joined the chain");
        assertEquals(domain.sha("vdb"), restoredSha(third.point(), "vdb"));
    }

    @Test
    void restartAndDeletedCheckpointNeverGiveAWrongIncremental() throws Exception {
        domain = fx.domain(Map.of("vda", "qcow2"), 16);
        backup();
        domain.write("vda", 1L << 20, 65536, 0x33);
        TestDomain.virsh("destroy", domain.name);
        TestDomain.virsh("start", domain.name);
        domain.write("vda", 5L << 20, 65536, 0x44);
        InstanceBackup.Result afterRestart = backup();
        assertEquals(domain.sha("vda"), restoredSha(afterRestart.point(), "vda"), "exact after a restart, whatever the mode");

        String checkpoint = PointFacts.of(afterRestart.point()).checkpoint();
        TestDomain.virsh("checkpoint-delete", domain.name, checkpoint);
        domain.write("vda", 9L << 20, 65536, 0x55);
        InstanceBackup.Result afterDelete = backup();
        assertEquals(DiskPlan.Mode.FULL, plan(afterDelete, "vda").mode());
        assertTrue(plan(afterDelete, "vda").reason().contains("no longer exists"), plan(afterDelete, "vda").reason());
        assertEquals(domain.sha("vda"), restoredSha(afterDelete.point(), "vda"));

        domain.write("vda", 11L << 20, 65536, 0x66);
        InstanceBackup.Result healed = backup();
        assertEquals(DiskPlan.Mode.INCREMENTAL, plan(healed, "vda").mode(), "the chain is repaired");
        assertEquals(domain.sha("vda"), restoredSha(healed.point(), "vda"));
    }

    @Test
    void shutOffDomainIsBackedUpThroughQemuNbdIncrementallyToo() throws Exception {
        domain = fx.domain(Map.of("vda", "qcow2"), 16);
        domain.write("vda", 1L << 20, 65536, 0x77);
        TestDomain.virsh("destroy", domain.name);
        InstanceBackup.Result off = backup();
        assertEquals("shutoff", PointFacts.of(off.point()).instance().state());
        assertEquals(domain.sha("vda"), restoredSha(off.point(), "vda"));
        assertTrue(PointFacts.of(off.point()).checkpoint() != null, "offline checkpoint: " + off.warnings());
        TestDomain.virsh("start", domain.name);
        domain.write("vda", 3L << 20, 65536, 0x78);
        TestDomain.virsh("destroy", domain.name);
        InstanceBackup.Result again = backup();
        assertEquals(DiskPlan.Mode.INCREMENTAL, plan(again, "vda").mode(), String.valueOf(plan(again, "vda").reason()));
        assertTrue(again.point().disk("vda").readBytes() <= 2L * CHUNK, "read only what was written");
        assertEquals(domain.sha("vda"), restoredSha(again.point(), "vda"));
        assertEquals(List.of(PointFacts.of(again.point()).checkpoint()), fx.libvirt().checkpoints(domain.name));
        TestDomain.virsh("start", domain.name);
        domain.write("vda", 7L << 20, 4096, 0x79);
        InstanceBackup.Result running = backup();
        assertEquals(DiskPlan.Mode.INCREMENTAL, plan(running, "vda").mode(), "an offline checkpoint serves a running backup");
        assertEquals(domain.sha("vda"), restoredSha(running.point(), "vda"));
    }

    /**
     * A guest's attack on its own raw disk: its first bytes are a qcow2 header naming a host file as backing
     * file (then a header no QEMU tool can parse). Discovery and backup take the format from the domain XML
     * (raw) and sizes from libvirt: discovery shows the disk's real size and that it can be backed up; the
     * shut-off and the running backup store the raw disk as it is, and report its real size as progress.
     */
    @Test
    void aRawDiskWhoseHeaderSaysQcow2IsBackedUpAsTheRawDiskTheDomainDefines() throws Exception {
        long size = 64L << 20;
        domain = fx.domain(Map.of("vda", "raw"), 64);
        Path secret = dir.resolve("host-secret");
        Files.writeString(secret, "HOST SECRET of this test " + System.nanoTime() + "\n");
        Path header = dir.resolve("header.qcow2");
        TestDomain.run(true, "qemu-img", "create", "-q", "-f", "qcow2", "-b", secret.toString(), "-F", "raw",
                header.toString(), "1M");
        TestDomain.virsh("destroy", domain.name);
        domain.overwriteFile("vda", 0, Files.readAllBytes(header));

        assertDiscoveredAsRaw(size);
        List<Long> totals = new ArrayList<>();
        InstanceBackup.Result off = new InstanceBackup(fx.libvirt(), fx.vault(), fx.runtime()).run(
                new InstanceBackup.Request(domain.name, Set.of(), 2, PointFacts.NONE), recordingTotals(totals));
        assertEquals("shutoff", PointFacts.of(off.point()).instance().state());
        assertEquals(List.of(size), totals, "progress of the disk's real size");
        assertEquals(size, off.point().disk("vda").size());
        assertEquals(domain.sha("vda"), restoredSha(off.point(), "vda"));

        TestDomain.virsh("start", domain.name);
        InstanceBackup.Result running = backup();
        assertEquals("running", PointFacts.of(running.point()).instance().state());
        assertEquals(size, running.point().disk("vda").size());
        assertEquals(domain.sha("vda"), restoredSha(running.point(), "vda"));

        // a header qemu-img refuses to read (qcow2 version 99) must not make the disk unreadable to Coffer
        TestDomain.virsh("destroy", domain.name);
        domain.overwriteFile("vda", 4, new byte[]{0, 0, 0, 99});
        assertDiscoveredAsRaw(size);
        InstanceBackup.Result unparsable = backup();
        assertEquals(domain.sha("vda"), restoredSha(unparsable.point(), "vda"));
        assertRuntimeClean();
    }

    private void assertDiscoveredAsRaw(long size) {
        InstanceDiscovery.Instance found = new InstanceDiscovery(fx.libvirt()).list().stream()
                .filter(i -> i.name().equals(domain.name)).findFirst().orElseThrow();
        InstanceDiscovery.Disk disk = found.disks().getFirst();
        assertEquals("raw", disk.format());
        assertEquals(size, disk.virtualSize(), "the disk's size, not its header's: " + disk);
        assertTrue(disk.backupable(), String.valueOf(disk.reason()));
    }

    private static JobProgress recordingTotals(List<Long> totals) {
        return new JobProgress() {
            @Override
            public void starting(long totalBytes) {
                totals.add(totalBytes);
            }

            @Override
            public void advance(long bytes) {
            }
        };
    }

    @Test
    void cancelledBackupLeavesNoJobCheckpointScratchFileOrSocket() throws Exception {
        domain = fx.domain(Map.of("vda", "qcow2"), 32);
        List<String> checkpointsBefore = fx.libvirt().checkpoints(domain.name);
        Thread caller = Thread.currentThread();
        JobProgress cancelling = new JobProgress() {
            @Override
            public void starting(long totalBytes) {
            }

            @Override
            public void advance(long bytes) {
                caller.interrupt();
            }
        };
        CofferException failure = assertThrows(CofferException.class, () -> new InstanceBackup(fx.libvirt(), fx.vault(), fx.runtime())
                .run(new InstanceBackup.Request(domain.name, Set.of(), 1, PointFacts.NONE), cancelling));
        Thread.interrupted();
        assertEquals(ErrorCode.Cancelled, failure.code(), failure.getMessage());
        assertTrue(fx.libvirt().job(domain.name).map(j -> !j.isBackup()).orElse(true), "no backup job left");
        assertEquals(checkpointsBefore, fx.libvirt().checkpoints(domain.name), "no checkpoint left");
        assertRuntimeClean();
        assertTrue(fx.vault().points().isEmpty(), "no point");
        InstanceBackup.Result next = backup();
        assertEquals(domain.sha("vda"), restoredSha(next.point(), "vda"), "the next backup works");
    }

    @Test
    void restoreAsNewInstanceUsesOnlyItsOwnDiskFilesAndStarts() throws Exception {
        Map<String, String> formats = new LinkedHashMap<>();
        formats.put("vda", "qcow2");
        formats.put("vdb", "raw");
        domain = fx.domain(formats, 16);
        domain.write("vda", 2L << 20, 65536, 0x99);
        domain.write("vdb", 5L << 20, 300_000, 0x77);
        PointManifest point = backup().point();
        String copyName = domain.name + "-copy";
        domain.adopt(copyName);
        Path target = Files.createDirectories(dir.resolve("copies"));
        InstanceRestore.InstanceResult copy = new InstanceRestore(fx.libvirt(), fx.vault(), 2)
                .asNewInstance(point.id(), copyName, target, true, listener());
        assertTrue(fx.libvirt().domain(copyName).orElseThrow().state().active(), "started");
        DomainDefinition defined = DomainDefinition.parse(fx.libvirt().domainXml(copyName, true));
        for (var disk : defined.disks()) {
            assertTrue(disk.source().startsWith(target.toString()), "uses its own file: " + disk.source());
            assertFalse(domain.disks.containsValue(Path.of(disk.source())));
        }
        assertFalse(defined.uuid().orElseThrow().equals(fx.libvirt().domain(domain.name).orElseThrow().uuid()));
        assertEquals(domain.sha("vda"), TestDomain.imageSha(copy.disks().get("vda"), dir));
        assertEquals(domain.sha("vdb"), TestDomain.imageSha(copy.disks().get("vdb"), dir), "both disks, written at once");

        // a name taken by a domain is NameTaken (it was InvalidArgument), as a restore and as an instant restore
        Path again = Files.createDirectories(dir.resolve("again"));
        CofferException taken = assertThrows(CofferException.class, () -> new InstanceRestore(fx.libvirt(), fx.vault(), 2)
                .asNewInstance(point.id(), copyName, again, false, listener()));
        assertEquals(ErrorCode.NameTaken, taken.code(), taken.getMessage());
        CofferException instant = assertThrows(CofferException.class, () -> new InstantRestore(fx.libvirt(), fx.vault())
                .start(new InstantRestore.Request(point.id(), copyName, again, fx.runtime(), 0)));
        assertEquals(ErrorCode.NameTaken, instant.code(), instant.getMessage());
        try (var files = Files.list(again)) {
            assertEquals(List.of(), files.toList(), "nothing written for a refused name");
        }
    }

    @Test
    void inPlaceRestoreNeedsTheInstanceShutOff() throws Exception {
        domain = fx.domain(Map.of("vda", "qcow2"), 16);
        PointManifest point = backup().point();
        String original = domain.sha("vda");
        domain.write("vda", 1L << 20, 65536, 0x42);
        CofferException running = assertThrows(CofferException.class, () -> new InstanceRestore(fx.libvirt(), fx.vault(), 2)
                .disk(point.id(), "vda", null, null, false, listener()));
        assertEquals(ErrorCode.InstanceRunning, running.code());
        TestDomain.virsh("destroy", domain.name);
        new InstanceRestore(fx.libvirt(), fx.vault(), 2).inPlace(point.id(), listener());
        assertEquals(original, TestDomain.imageSha(domain.disks.get("vda"), dir));
    }

    @Test
    void aKilledBackupProcessIsCleanedUpByTheNextRun() throws Exception {
        domain = fx.domain(Map.of("vda", "qcow2"), 32);
        PointManifest first = backup().point();
        domain.write("vda", 4L << 20, 65536, 0x5a);
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process killed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, BackupProcessMain.class.getName(), domain.name,
                dir.resolve("vault").toString(), dir.resolve("keyring.json").toString(), fx.runtime().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(60);
        try {
            // libvirt shows the backup job a moment before it records the job's checkpoint: wait for both
            while (!backupJobRunning() || fx.libvirt().checkpoints(domain.name).size() < 2) {
                assertTrue(killed.isAlive(), "the backup process ended early: " + Files.readString(dir.resolve("killed.log")));
                assertTrue(java.time.Instant.now().isBefore(deadline), "no backup job within 60 s");
                Thread.sleep(20);
            }
        } finally {
            killed.destroyForcibly().waitFor(); // it holds at its first progress report until killed
        }
        assertEquals(2, fx.libvirt().checkpoints(domain.name).size(), "the killed run left its checkpoint behind");
        try (Stream<Path> left = Files.list(fx.runtime())) {
            assertEquals(1, left.count(), "and its runtime directory");
        }

        InstanceBackup.Result next = backup();
        assertTrue(next.warnings().stream().anyMatch(w -> w.contains("interrupted run")), next.warnings().toString());
        assertEquals(DiskPlan.Mode.INCREMENTAL, plan(next, "vda").mode(), "still incremental from the last good point");
        assertEquals(first.id(), next.point().parent());
        assertEquals(domain.sha("vda"), restoredSha(next.point(), "vda"));
        assertEquals(List.of(PointFacts.of(next.point()).checkpoint()), fx.libvirt().checkpoints(domain.name),
                "the killed run's checkpoint is gone");
        assertRuntimeClean();
        assertEquals(2, fx.vault().points().size(), "no partial point from the killed run");
    }

    /** Job stats fail with "backup job data missing" while libvirt starts or ends a backup: not yet, then. */
    private boolean backupJobRunning() {
        try {
            return fx.libvirt().job(domain.name).map(j -> j.isBackup()).orElse(false);
        } catch (java.io.IOException startingOrEnding) {
            return false;
        }
    }

    private void assertRuntimeClean() throws Exception {
        try (Stream<Path> left = Files.walk(fx.runtime())) {
            List<Path> files = left.filter(Files::isRegularFile).toList();
            assertEquals(List.of(), files, "no socket or scratch file left");
        }
    }
}
