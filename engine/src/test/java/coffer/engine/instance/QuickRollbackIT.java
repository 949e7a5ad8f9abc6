package coffer.engine.instance;

import coffer.engine.CountedProgress;
import coffer.engine.JobProgress;
import coffer.vault.PointManifest;
import coffer.virt.image.DiskImages;
import coffer.virt.image.ImageFormat;
import coffer.testing.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In-place restores as quick rollbacks against real libvirt domains and qemu-nbd (docs/design/change-tracking.md,
 * "Quick rollback"): only what changed is written, the disks end exactly as the point, the checkpoints stay and the
 * next backup is an incremental that captures the rolled-back ranges; without usable change tracking, or when asked,
 * the full write, saying why.
 */
class QuickRollbackIT {
    private static final int CHUNK = 256 * 1024;
    private static final int SIZE_MIB = 16;
    private static final List<String> DISKS = List.of("vda", "vdb");
    @TempDir Path dir;
    @RegisterExtension final InstanceFixture fx = new InstanceFixture(() -> dir, CHUNK);
    TestDomain domain;
    /** The scenario's points, P2's checkpoint and the disks' content at P1 ({@link #twoPointsThenChangesShutOff}). */
    PointManifest p1;
    PointManifest p2;
    String checkpoint;
    Map<String, String> p1Content;

    @BeforeEach
    void setUp() throws Exception {
        Map<String, String> formats = new LinkedHashMap<>();
        DISKS.forEach(d -> formats.put(d, "qcow2"));
        domain = fx.domain(formats, SIZE_MIB);
    }

    private InstanceBackup.Result backup() {
        return new InstanceBackup(fx.libvirt(), fx.vault(), fx.runtime()).run(
                new InstanceBackup.Request(domain.name, Set.of(), 2, PointFacts.NONE), JobProgress.NONE);
    }

    private static DiskPlan plan(InstanceBackup.Result result, String disk) {
        return result.plans().stream().filter(p -> p.target().equals(disk)).findFirst().orElseThrow();
    }

    private Map<String, String> modelShas() throws Exception {
        Map<String, String> shas = new LinkedHashMap<>();
        for (String disk : DISKS) {
            shas.put(disk, domain.sha(disk));
        }
        return shas;
    }

    private String diskSha(String disk) throws Exception {
        return TestDomain.imageSha(domain.disks.get(disk), dir);
    }

    /** The content a restore of {@code point}'s disk to a new file has. */
    private String restoredSha(PointManifest point, String disk) throws Exception {
        Path file = dir.resolve("restored-" + point.id() + "-" + disk + ".raw");
        new InstanceRestore(fx.libvirt(), fx.vault(), 2).disk(point.id(), disk, file, ImageFormat.RAW, false, JobProgress.NONE);
        try {
            return TestData.sha256(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * P1 full; writes; P2 incremental; more writes, dirty since P2; the domain shut off. Sets {@link #p1}, {@link #p2},
     * {@link #checkpoint} and {@link #p1Content}.
     */
    private void twoPointsThenChangesShutOff() throws Exception {
        InstanceBackup.Result first = backup();
        p1Content = modelShas();
        domain.writeRandom("vda", 3L << 20, 200_000, 1);
        domain.writeRandom("vdb", 5L << 20, 100_000, 2);   // in the random first half: a patch over P1's chunk
        InstanceBackup.Result second = backup();
        DISKS.forEach(d -> assertEquals(DiskPlan.Mode.INCREMENTAL, plan(second, d).mode(), d));
        domain.writeRandom("vda", 12L << 20, 150_000, 3);
        domain.writeRandom("vdb", 1L << 20, 70_000, 4);
        TestDomain.virsh("destroy", domain.name);
        p1 = first.point();
        p2 = second.point();
        checkpoint = PointFacts.of(p2).checkpoint();
    }

    @Test
    void aRollbackWritesOnlyWhatChangedKeepsTheCheckpointsAndTheNextBackupIsAnIncrementalOfIt() throws Exception {
        twoPointsThenChangesShutOff();

        CountedProgress progress = new CountedProgress();
        InstanceRestore.InstanceResult rolledBack = new InstanceRestore(fx.libvirt(), fx.vault(), 2).inPlace(p1.id(), false, progress);

        long disk = (long) SIZE_MIB << 20;
        long written = 0;
        for (String d : DISKS) {
            assertEquals(p1Content.get(d), diskSha(d), "disk " + d + " is exactly P1");
            InPlaceWrite write = rolledBack.writes().get(d);
            assertTrue(write.isQuick(), d + ": " + write.summary());
            assertEquals(p2.id(), write.since());
            assertNull(write.reason());
            assertTrue(write.summary().startsWith("quick rollback: wrote ") && write.summary().endsWith(
                    " of 16.0 MiB (changed since point " + p2.id() + ")"), write.summary());
            // what P1 and P2 differ in (the chunks under the first writes) and what is dirty since P2 (the second)
            assertTrue(write.bytesWritten() > 0 && write.bytesWritten() <= 3 * CHUNK + 2 * CHUNK,
                    d + " wrote " + write.bytesWritten() + " of " + disk);
            written += write.bytesWritten();
        }
        // vdb's first write (two 64 KiB bitmap blocks of one chunk) made P2's chunk a patch over P1's: only the
        // patch's blocks are written back, and the two blocks dirty since P2
        assertTrue(rolledBack.writes().get("vdb").bytesWritten() <= 4 * 65_536, rolledBack.writes().get("vdb").summary());
        assertEquals(written, progress.total(), "the total is what is written");
        assertEquals(written, progress.done(), "progress counts the bytes written");
        assertEquals(List.of(checkpoint), fx.libvirt().checkpoints(domain.name), "the checkpoints stay");

        // the next backup is an incremental relative to P2 that captures the rolled-back ranges
        InstanceBackup.Result p3 = backup();
        for (String d : DISKS) {
            DiskPlan plan = plan(p3, d);
            assertEquals(DiskPlan.Mode.INCREMENTAL, plan.mode(), d + ": " + plan.reason());
            assertEquals(p2.id(), plan.basePoint());
            assertEquals(p1Content.get(d), restoredSha(p3.point(), d), "the new point of " + d + " is the disk");
        }

        // P == the newest point: only what was written since it is written back
        TestDomain.virsh("start", domain.name);
        domain.writeRandom("vda", 5L << 20, 65_536, 5);
        domain.writeRandom("vdb", 14L << 20, 65_536, 6);
        TestDomain.virsh("destroy", domain.name);
        InstanceRestore.InstanceResult again = new InstanceRestore(fx.libvirt(), fx.vault(), 2).inPlace(p3.point().id(), progress);
        for (String d : DISKS) {
            InPlaceWrite write = again.writes().get(d);
            assertTrue(write.isQuick(), write.summary());
            assertEquals(p3.point().id(), write.since());
            assertTrue(write.bytesWritten() >= 65_536 && write.bytesWritten() <= 2 * 65_536,
                    "only the dirty blocks: " + write.bytesWritten());
            assertEquals(p1Content.get(d), diskSha(d), d);
        }
        assertNoQemuNbdLeft();
    }

    @Test
    void withoutTheCheckpointsTheBitmapOrWhenAskedItWritesInFullAndSaysWhy() throws Exception {
        twoPointsThenChangesShutOff();

        // the bitmap of one disk removed: that disk in full, a new file without the checkpoint's bitmap, so the
        // checkpoints cannot be kept (libvirt would refuse to delete them later); the other disk is still rolled back
        // quickly, and the checkpoints are dropped with their bitmaps
        TestDomain.run(true, "qemu-img", "bitmap", "--remove", domain.disks.get("vdb").toString(), checkpoint);
        InstanceRestore.InstanceResult mixed = new InstanceRestore(fx.libvirt(), fx.vault(), 2).inPlace(p1.id(), false,
                JobProgress.NONE);
        InPlaceWrite vdb = mixed.writes().get("vdb");
        assertEquals("full write: no change tracking to start from: QEMU has no consistent bitmap " + checkpoint
                + " on this disk (restarted, crashed or removed)", vdb.summary());
        assertEquals((long) SIZE_MIB << 20, vdb.bytesWritten());
        InPlaceWrite vda = mixed.writes().get("vda");
        assertTrue(vda.isQuick(), vda.summary());
        assertTrue(vda.bytesWritten() < (long) SIZE_MIB << 20, vda.summary());
        for (String d : DISKS) {
            assertEquals(p1Content.get(d), diskSha(d), d);
        }
        assertEquals(List.of(), fx.libvirt().checkpoints(domain.name), "dropped, as after any full write");
        assertEquals(List.of(), DiskImages.inspect(domain.disks.get("vda"), "qcow2").bitmaps(),
                "the quick disk's bitmap goes with the checkpoint");
        // the domain started on it and backed up running: both read in full, nothing left to prune or warn about
        TestDomain.virsh("start", domain.name);
        InstanceBackup.Result p3 = backup();
        TestDomain.virsh("destroy", domain.name);
        DISKS.forEach(d -> assertEquals(DiskPlan.Mode.FULL, plan(p3, d).mode(), d));
        assertEquals(List.of(), p3.warnings());
        assertEquals(List.of(PointFacts.of(p3.point()).checkpoint()), fx.libvirt().checkpoints(domain.name));
        for (String d : DISKS) {
            assertEquals(p1Content.get(d), restoredSha(p3.point(), d), d);
        }

        // asked for the full write: every disk in full, the checkpoints dropped
        String p3Checkpoint = PointFacts.of(p3.point()).checkpoint();
        CountedProgress progress = new CountedProgress();
        InstanceRestore.DiskResult forced = new InstanceRestore(fx.libvirt(), fx.vault(), 2).disk(p2.id(), "vda", null, null,
                false, true, progress);
        assertEquals("full write: asked for (full)", forced.write().summary());
        assertEquals((long) SIZE_MIB << 20, progress.done(), "a full write counts every byte");
        assertEquals(restoredSha(p2, "vda"), diskSha("vda"));
        assertEquals(List.of(), fx.libvirt().checkpoints(domain.name), "dropped: " + p3Checkpoint);
        assertEquals(List.of(), DiskImages.inspect(domain.disks.get("vdb"), "qcow2").bitmaps(),
                "the checkpoint's bitmap is gone from the disk the restore did not write, too");

        // no checkpoint in libvirt: in full, saying so
        InstanceRestore.DiskResult noCheckpoint = new InstanceRestore(fx.libvirt(), fx.vault(), 2).disk(p1.id(), "vdb", null,
                null, false, JobProgress.NONE);
        assertEquals("full write: no change tracking to start from: checkpoint " + p3Checkpoint
                + " no longer exists in libvirt", noCheckpoint.write().summary());
        assertEquals(p1Content.get("vdb"), diskSha("vdb"));
        assertNoQemuNbdLeft();
    }

    @Test
    void aRollbackThatFailsMidwayStopsItsQemuNbdAndALaterRestoreStillEndsExactlyAtThePoint() throws Exception {
        twoPointsThenChangesShutOff();
        JobProgress failing = new JobProgress() {
            @Override
            public void starting(long totalBytes) {
            }

            @Override
            public void advance(long bytes) {
                throw new IllegalStateException("stopped after the first chunk written");
            }
        };
        RuntimeException failure = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> new InstanceRestore(fx.libvirt(), fx.vault(), 2).disk(p1.id(), "vda", null, null, false, failing));
        assertTrue(String.valueOf(failure.getMessage()).contains("stopped after the first chunk written")
                || String.valueOf(failure.getCause()).contains("stopped after the first chunk written"), failure.toString());
        assertNoQemuNbdLeft();
        // the bitmap kept every write made before the failure: the next attempt is quick again, and exact
        InstanceRestore.DiskResult again = new InstanceRestore(fx.libvirt(), fx.vault(), 2).disk(p1.id(), "vda", null, null, false,
                JobProgress.NONE);
        assertTrue(again.write().isQuick(), again.write().summary());
        assertEquals(p1Content.get("vda"), diskSha("vda"));
        assertNoQemuNbdLeft();

        // from the decision (the bitmap read) to the write, the decision's qemu-nbd holds the image: the domain cannot
        // start and write what the bitmap read did not see
        QuickRollback rollback = QuickRollback.of(fx.libvirt(), fx.vault(), fx.libvirt().domain(domain.name).orElseThrow(), 2);
        var vda = coffer.virt.domain.DomainDefinition.parse(fx.libvirt().domainXml(domain.name, true)).disk("vda").orElseThrow();
        try (QuickRollback.Quick held = (QuickRollback.Quick) rollback.decide(p1, p1.disk("vda"), vda,
                domain.disks.get("vda"), "qcow2")) {
            TestDomain.Result start = TestDomain.run(false, "virsh", "-c", "qemu:///system", "start", domain.name);
            assertTrue(start.exitCode() != 0 && start.output().contains("lock"), start.output());
        }
        assertNoQemuNbdLeft();
    }

    /** No qemu-nbd process serves any disk of the domain. */
    private void assertNoQemuNbdLeft() {
        List<String> left = ProcessHandle.allProcesses()
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("qemu-nbd") && domain.disks.values().stream().anyMatch(f -> c.contains(f.toString())))
                .toList();
        assertEquals(List.of(), left, "no qemu-nbd left running");
    }
}
