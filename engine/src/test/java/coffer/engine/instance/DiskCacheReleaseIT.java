package coffer.engine.instance;

import coffer.engine.JobProgress;
import coffer.vault.PointManifest;
import coffer.virt.image.ImageFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A running domain's backup releases its disk files from the host's page cache behind the domain QEMU's reads
 * ({@link CacheReleasingSource}, docs/design/backup-flow.md, docs/performance.md "Session 23"): afterwards the disk file holds (next to) no pages in the
 * page cache, a file beside it that is no disk source keeps all of its pages, and the point restores bit for bit;
 * with {@code coffer.diskCache=keep} the disk file's pages stay. Page counts by {@code fincore} (util-linux).
 */
class DiskCacheReleaseIT {
    private static final int CHUNK = 256 * 1024;
    /**
     * Pages of the image's own metadata (header, L1, L2 and refcount clusters, bitmaps: 64 KiB clusters each) that
     * QEMU reads or dirties: no guest range maps to them, so they stay; the disk's 16 MiB of data are 4,096 pages.
     */
    private static final long FEW_PAGES = 256;
    @TempDir Path dir;
    @RegisterExtension final InstanceFixture fx = new InstanceFixture(() -> dir, CHUNK);

    @AfterEach
    void clearProperty() {
        System.clearProperty("coffer.diskCache");
    }

    @Test
    void backupReleasesOnlyTheDisksFilesAndRestoresExactly() throws Exception {
        TestDomain domain = fx.domain(Map.of("vda", "qcow2"), 32);
        Path image = domain.disks.get("vda");
        Path beside = domain.models.get("vda"); // same directory, same content, not a disk source
        sync(image);
        String expected = domain.sha("vda"); // reads the model whole: all its pages cached
        long besidePages = cachedPages(beside);
        assertTrue(besidePages >= 4096, "the file beside is cached before the backup: " + besidePages);

        PointManifest point = backup(domain);

        long imagePages = cachedPages(image);
        assertTrue(imagePages <= FEW_PAGES, "the disk's file released from the page cache: " + imagePages + " pages");
        // (another process on the machine may evict a few pages meanwhile: not all of them must stay)
        long besideAfter = cachedPages(beside);
        assertTrue(besideAfter >= besidePages * 9 / 10, "a file that is no disk source keeps its pages: " + besideAfter
                + " of " + besidePages);
        assertEquals(expected, restoredSha(point));
    }

    @Test
    void keepLeavesTheDisksPagesCached() throws Exception {
        System.setProperty("coffer.diskCache", "keep");
        TestDomain domain = fx.domain(Map.of("vda", "qcow2"), 32);
        Path image = domain.disks.get("vda");
        sync(image);
        String expected = domain.sha("vda");

        PointManifest point = backup(domain);

        // QEMU read 16 MiB of data through the page cache (4,096 pages): they stay
        long imagePages = cachedPages(image);
        assertTrue(imagePages >= 2048, "the disk's file stays in the page cache: " + imagePages + " pages");
        assertEquals(expected, restoredSha(point));
    }

    private PointManifest backup(TestDomain domain) {
        return new InstanceBackup(fx.libvirt(), fx.vault(), fx.runtime()).run(
                new InstanceBackup.Request(domain.name, Set.of(), 2, PointFacts.NONE), listener()).point();
    }

    private String restoredSha(PointManifest point) throws Exception {
        Path file = dir.resolve("restored-" + point.id() + ".raw");
        new InstanceRestore(fx.libvirt(), fx.vault(), 2).disk(point.id(), "vda", file, ImageFormat.RAW, false, listener());
        return coffer.testing.TestData.sha256(file);
    }

    private static void sync(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** The file's pages in the page cache, by {@code fincore}. */
    private static long cachedPages(Path file) {
        return Long.parseLong(TestDomain.run(true, "fincore", "--noheadings", "--output", "PAGES", file.toString())
                .output().strip());
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
}
