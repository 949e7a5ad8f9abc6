package coffer.vault.replicate;

import coffer.testing.S3Server;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.vault.PointManifest;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.GarbageCollector;
import coffer.vault.maintenance.GcReport;
import coffer.vault.maintenance.Verifier;
import coffer.vault.maintenance.VerifyReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of a JVM in the middle of a replication into an S3 vault: the destination keeps no half replica, verifies
 * clean (its earlier replica whole), and the next replication completes, keeping what the killed one uploaded (one
 * listing finds it) so that afterwards gc finds nothing unreferenced.
 */
class ReplicationKillIT {
    private static final int CHUNK = TestVault.CHUNK;
    private static final int CHUNKS = 160;

    @TempDir
    Path dir;

    @Test
    void aKilledReplicationLeavesTheDestinationCleanAndTheNextRunCompletes() throws Exception {
        S3Server server = S3Server.shared();
        Path sourceDir = dir.resolve("source");
        Path sourceKeys = dir.resolve("source-keyring.json");
        Path destinationKeys = dir.resolve("east-keyring.json");
        S3Backend bucket = server.newBackend("east");
        byte[] small = TestData.random(1, 8 * CHUNK);
        byte[] big = TestData.random(2, CHUNKS * CHUNK);
        PointManifest kept;
        PointManifest doomed;
        PointManifest keptReplica;
        try (TestVault source = TestVault.create(new LocalDirectoryBackend(sourceDir), new LocalKeyRing(sourceKeys));
             TestVault destination = TestVault.create(bucket, new LocalKeyRing(destinationKeys))) {
            kept = source.backup("kept", small);
            doomed = source.backup("big", big);
            keptReplica = new PointReplicator(source.vault(), destination.vault(), 2)
                    .replicate(new PointReplicator.Request(kept.id(), null, null), Progress.NONE).replica();
        }
        int chunksBefore = chunks(server, bucket);

        Process child = replicationProcess(server, sourceDir, sourceKeys, doomed.id(), bucket, destinationKeys);
        try {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
            while (chunks(server, bucket) < chunksBefore + 20) {
                assertTrue(child.isAlive(), "the replication ended before it could be killed: " + output(child));
                assertTrue(Instant.now().isBefore(deadline), "no chunk arrived within 120 s");
                Thread.sleep(100);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL
            child.waitFor();
        }
        int leftBehind = chunks(server, bucket) - chunksBefore;
        System.out.println("ReplicationKillIT: killed with " + leftBehind + " of " + CHUNKS + " chunks uploaded");
        assertTrue(leftBehind >= 20 && leftBehind < CHUNKS, "killed mid-way: " + leftBehind + " of " + CHUNKS + " chunks");

        try (TestVault source = TestVault.open(new LocalDirectoryBackend(sourceDir), new LocalKeyRing(sourceKeys));
             TestVault destination = TestVault.open(S3Backend.open(bucket.location(), server.settings()),
                     new LocalKeyRing(destinationKeys))) {
            assertEquals(List.of(keptReplica.id()), destination.vault().points().stream().map(PointManifest::id).toList(),
                    "no half replica");
            VerifyReport report = new Verifier(destination.vault(), 4).verify(destination.vault().points(), Progress.NONE);
            assertTrue(report.clean(), report.damage().toString());

            PointReplicator.Result again = new PointReplicator(source.vault(), destination.vault(), 4)
                    .replicate(new PointReplicator.Request(doomed.id(), null, null), Progress.NONE);
            assertTrue(again.listed());
            assertEquals(CHUNKS - leftBehind, again.newObjects(), "what the killed run uploaded is kept and used");
            assertArrayEquals(big, destination.restore(again.replica(), "vda"));
            assertArrayEquals(small, destination.restore(keptReplica, "vda"));

            GcReport gc = new GarbageCollector(destination.vault()).collect(Duration.ZERO, Duration.ofSeconds(30));
            assertEquals(0, gc.sweptChunks(), "every chunk the killed run left is part of the replica now");
            assertEquals(List.of(), destination.objects("locks/"), "the dead process's lock was removed as stale");
            assertEquals(List.of(), destination.objects("claims/"),
                    "the dead process's claim was removed as stale, and the next run gave its own back");
            assertTrue(new Verifier(destination.vault(), 4).verify(destination.vault().points(), Progress.NONE).clean());
        }
    }

    private static int chunks(S3Server server, S3Backend bucket) throws Exception {
        try (S3Backend view = S3Backend.open(bucket.location(), server.settings())) {
            return view.list("chunks/").size();
        }
    }

    private Process replicationProcess(S3Server server, Path sourceDir, Path sourceKeys, String point, S3Backend bucket,
                                       Path destinationKeys) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", classPath, ReplicationProcessMain.class.getName(),
                sourceDir.toString(), sourceKeys.toString(), point, bucket.location().bucket(), bucket.location().prefix(),
                destinationKeys.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("replication.log").toFile());
        builder.environment().put("COFFER_TEST_S3_ENDPOINT", server.endpoint().toString());
        builder.environment().put("COFFER_TEST_S3_SECRET", S3Server.SECRET_ACCESS_KEY);
        return builder.start();
    }

    private String output(Process child) {
        try {
            return java.nio.file.Files.readString(dir.resolve("replication.log"));
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
