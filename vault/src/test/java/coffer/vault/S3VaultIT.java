package coffer.vault;

import coffer.testing.ByteArrayBlockSource;
import coffer.testing.S3Server;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.format.FixedIndex;
import coffer.vault.io.Extent;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.GarbageCollector;
import coffer.vault.maintenance.GcReport;
import coffer.vault.maintenance.StatsCollector;
import coffer.vault.maintenance.VaultStats;
import coffer.vault.maintenance.Verifier;
import coffer.vault.maintenance.VerifyReport;
import coffer.vault.write.DiskBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A vault in a bucket of the test S3 server, end to end, counting the requests each step sends: a backup asks
 * the store nothing per chunk (no {@code HeadObject}); an incremental stores only what changed, with one
 * conditional {@code PutObject} per new chunk or patch; restore, verify, gc and stats work as on a directory.
 */
class S3VaultIT {
    private static final int CHUNK = TestVault.CHUNK;
    private static final int CHUNKS = 48;

    @TempDir
    Path dir;

    private static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
        return S3Server.requestsSince(before, after);
    }

    @Test
    void backupIncrementalRestoreVerifyGcAndStatsCostRequestsPerNewChunkNotPerChunk() throws IOException {
        byte[] disk = TestData.random(16, CHUNKS * CHUNK);
        try (TestVault vault = VaultFlavour.S3_ENCRYPTED.create(dir)) {
            S3Backend s3 = (S3Backend) vault.backend();

            Map<String, Long> start = s3.requestCounts();
            PointManifest first = vault.backup("vm", disk);
            Map<String, Long> full = since(start, s3.requestCounts());
            System.out.println("S3VaultIT full backup of " + CHUNKS + " chunks: " + full);
            assertEquals(0, full.getOrDefault("HeadObject", 0L), "no existence check per chunk: " + full);
            // the chunks, the index, the manifest, the lock object and the unfinished marker
            assertEquals(CHUNKS + 4, full.get("PutObject"), full.toString());

            // an incremental with changed extents: two chunks changed a little (patches), one rewritten whole
            byte[] next = disk.clone();
            List<Extent> changes = List.of(new Extent(3L * CHUNK + 100, 4096), new Extent(7L * CHUNK, 512),
                    new Extent(20L * CHUNK, CHUNK));
            for (Extent e : changes) {
                byte[] fresh = TestData.random(e.offset(), (int) e.length());
                System.arraycopy(fresh, 0, next, (int) e.offset(), fresh.length);
            }
            Map<String, Long> before = s3.requestCounts();
            PointManifest second = vault.backup("vm", ByteArrayBlockSource.of(next),
                    new DiskBase(first.id(), vault.index(first, "vda"), changes));
            Map<String, Long> incremental = since(before, s3.requestCounts());
            System.out.println("S3VaultIT incremental (3 of " + CHUNKS + " chunks changed): " + incremental);
            FixedIndex index = vault.index(second, "vda");
            assertEquals(2, index.patchCount());
            assertEquals(3 + 4, incremental.get("PutObject"), "two patches, one chunk, index, manifest, lock, marker: "
                    + incremental);
            assertTrue(incremental.getOrDefault("HeadObject", 0L) <= 1, "the base's manifest at most: " + incremental);

            // the same data read in full (no changed extents, e.g. a raw disk): every chunk the base names whole is
            // known without a request; only the two chunks the base holds as patches are stored whole
            before = s3.requestCounts();
            PointManifest third = vault.backup("vm", ByteArrayBlockSource.of(next),
                    new DiskBase(second.id(), vault.index(second, "vda"), null));
            Map<String, Long> reread = since(before, s3.requestCounts());
            System.out.println("S3VaultIT full re-read of an unchanged disk: " + reread);
            assertEquals(2 + 4, reread.get("PutObject"), "two whole chunks, index, manifest, lock, marker: " + reread);
            assertTrue(reread.getOrDefault("HeadObject", 0L) <= 1, reread.toString());

            assertArrayEquals(disk, vault.restore(first, "vda"));
            assertArrayEquals(next, vault.restore(second, "vda"));
            assertArrayEquals(next, vault.restore(third, "vda"));
            VerifyReport report = new Verifier(vault.vault(), 2).verify(vault.vault().points(), Progress.NONE);
            assertTrue(report.clean(), report.damage().toString());

            vault.vault().deletePoint(first.id());
            GcReport gc = new GarbageCollector(vault.vault()).collect(Duration.ZERO, Duration.ofSeconds(30));
            assertEquals(1, gc.sweptChunks(), "chunk 20 of the first point only: patches keep their bases live");
            assertEquals(0, vault.vault().quarantinedMissing().size());
            assertArrayEquals(next, vault.restore(second, "vda"));
            assertEquals(List.of(), vault.objects("locks/"), "gc and the backups released their locks");

            VaultStats stats = new StatsCollector(vault.vault()).collect();
            assertEquals(2, stats.points());
            assertEquals(0, stats.unreferencedChunks());
        }
    }

    @Test
    void aVaultInABucketOpensAgainFromItsLocationAlone() throws IOException {
        S3Server server = S3Server.shared();
        byte[] disk = TestData.text(5, 10 * CHUNK + 1234);
        S3Backend backend = server.newBackend("team/vault-a");
        PointManifest point;
        try (TestVault vault = TestVault.create(backend, null)) {
            point = vault.backup("image", disk);
        }
        try (TestVault reopened = TestVault.open(S3Backend.open(backend.location(), server.settings()), null)) {
            assertEquals(List.of(point.id()), reopened.vault().points().stream().map(PointManifest::id).toList());
            assertArrayEquals(disk, reopened.restore(point, "vda"));
        }
    }
}
