package coffer.vault;

import coffer.testing.ByteArrayBlockSink;
import coffer.testing.ByteArrayBlockSource;
import coffer.testing.FaultyBackend;
import coffer.testing.TestData;
import coffer.testing.TestSeed;
import coffer.testing.VaultFlavour;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.KeyService;
import coffer.vault.crypto.LocalKeyRing;
import coffer.vault.format.FixedIndex;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.GarbageCollector;
import coffer.vault.maintenance.Verifier;
import coffer.vault.maintenance.VerifyReport;
import coffer.vault.read.DiskRestorer;
import coffer.vault.replicate.PointReplicator;
import coffer.vault.write.DiskBase;
import coffer.vault.write.PointWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backups, restores, deletes, gc and replication over a {@link FaultyBackend} (5 % of the calls fail before or after
 * reaching storage, or stall) on an encrypted local-directory vault, two backups at a time, and a replica vault on a
 * faulty backend of its own: every backup, delete and replication completes or fails with an exception, every
 * restore returns the exact data or fails, and after each round both vaults (faults off) list only whole points, each
 * restoring what was backed up, verify clean, nothing lost. Small in CI; full size with
 * {@code -Dcoffer.faults.rounds=N} (docs/reliability.md).
 */
class FaultInjectionTest {
    private static final int ROUNDS = Integer.getInteger("coffer.faults.rounds", 20);
    private static final double RATE = 0.05;
    private static final int DISK = 8 * CHUNK;

    @TempDir
    Path dir;

    /** Per point id: the SHA-256 of the disk its backup read (all attempts, and the completed ones). */
    private final Map<String, String> attempted = new ConcurrentHashMap<>();
    private final Map<String, String> succeeded = new ConcurrentHashMap<>();
    private final AtomicInteger backupsFailed = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private int restoresOk;
    private int restoresFailed;
    private int gcOk;
    private int gcFailed;
    private int deletesOk;
    private int deletesFailed;
    /** Points a delete was tried on (done or failed). */
    private final java.util.Set<String> deleting = ConcurrentHashMap.newKeySet();
    /** Per replica id: the id of the source point it copies (every attempt). */
    private final Map<String, String> replicaOf = new ConcurrentHashMap<>();
    private final java.util.Set<String> replicated = ConcurrentHashMap.newKeySet();
    private int replicationsFailed;
    /** The point whose replication failed last, tried again next round. */
    private String retry;

    @Test
    void backupsRestoresAndGcOverAFaultyBackendCompleteOrFailCleanlyAndNoPointIsCorrupt() throws Exception {
        long seed = TestSeed.of("FaultInjectionTest");
        Random random = new Random(seed);
        KeyService keys = VaultFlavour.LOCAL_ENCRYPTED.keys(dir);
        Path root = dir.resolve("vault");
        Vault.create(new LocalDirectoryBackend(root), CHUNK, keys).close();
        // one vault answers as a local directory, the other as a remote store (S3's paths: a base's chunks counted
        // present without asking, the destination's chunks listed), which one drawn from the seed
        boolean sourceRemote = random.nextBoolean();
        System.out.println("[faults] the " + (sourceRemote ? "source" : "replica") + " vault answers as a remote store");
        FaultyBackend faulty = new FaultyBackend(new LocalDirectoryBackend(root), seed, RATE, 20);
        if (sourceRemote) {
            faulty.remoteLike();
        }
        Vault vault = openDespiteFaults(faulty, keys);
        KeyService replicaKeys = new LocalKeyRing(dir.resolve("replica-keyring.json"));
        Vault.create(new LocalDirectoryBackend(dir.resolve("replica")), CHUNK, replicaKeys).close();
        FaultyBackend faultyReplica = new FaultyBackend(new LocalDirectoryBackend(dir.resolve("replica")), ~seed, RATE, 20);
        if (!sourceRemote) {
            faultyReplica.remoteLike();
        }
        Vault replica = openDespiteFaults(faultyReplica, replicaKeys);
        PointReplicator replicator = new PointReplicator(vault, replica, 2);
        Map<String, byte[]> disks = new ConcurrentHashMap<>(Map.of("web", TestData.random(random.nextLong(), DISK),
                "db", TestData.random(random.nextLong(), DISK)));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String what = "round " + round + ", seed " + seed + " (" + faulty.counts() + "; replica vault: "
                        + faultyReplica.counts() + ")";
                for (String name : disks.keySet()) {
                    disks.put(name, changed(disks.get(name), random));
                }
                List<Future<?>> backups = new ArrayList<>();
                for (String name : disks.keySet()) {
                    byte[] data = disks.get(name);
                    backups.add(pool.submit(() -> backup(vault, name, data)));
                }
                for (Future<?> backup : backups) {
                    backup.get();
                }
                String copied = replicateOne(replicator, random);
                if (round % 2 == 1) {
                    deleteOne(vault, random);
                }
                if (round % 4 == 3) {
                    for (Vault each : List.of(vault, replica)) {
                        try {
                            new GarbageCollector(each).collect(Duration.ZERO, Duration.ofSeconds(5));
                            gcOk++;
                        } catch (IOException fault) {
                            gcFailed++;
                        }
                    }
                }
                restoreOne(vault, random, what);
                faulty.off();
                faultyReplica.off();
                assertOnlyWholePoints(vault, what);
                assertOnlyWholeReplicas(replica, copied, random, what);
                faulty.on();
                faultyReplica.on();
            }
        } finally {
            pool.shutdownNow();
        }
        faulty.off();
        faultyReplica.off();
        System.out.printf("[faults] %d rounds, seed %d: backups %d completed, %d failed (%d of those kept a whole point: the"
                        + " failure came after the manifest was published); restores %d exact, %d failed; deletes %d done,"
                        + " %d failed; replications %d completed, %d failed; gc %d done, %d failed; injected: %s, in the"
                        + " replica vault: %s; corrupt or lost points: 0%n", ROUNDS, seed, completed.get(),
                backupsFailed.get(), keptAfterFailure(vault), restoresOk, restoresFailed, deletesOk, deletesFailed,
                replicated.size(), replicationsFailed, gcOk, gcFailed, faulty.counts(), faultyReplica.counts());
        assertTrue(faulty.faults() > 0, "faults were injected");
        assertTrue(completed.get() > 0, "some backups completed");
    }

    private static Vault openDespiteFaults(FaultyBackend faulty, KeyService keys) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return Vault.open(faulty, keys);
            } catch (IOException fault) {
                if (attempt == 20) {
                    throw fault;
                }
            }
        }
    }

    /** A copy of {@code disk} with two random chunks rewritten. */
    private static byte[] changed(byte[] disk, Random random) {
        byte[] copy = disk.clone();
        for (int k = 0; k < 2; k++) {
            byte[] chunk = TestData.random(random.nextLong(), CHUNK);
            System.arraycopy(chunk, 0, copy, random.nextInt(DISK / CHUNK) * CHUNK, CHUNK);
        }
        return copy;
    }

    /** One backup, incremental over the newest point of the name when there is one; a failure is an outcome. */
    private void backup(Vault vault, String name, byte[] data) {
        String id = null;
        try {
            PointManifest previous = vault.latest(name);
            DiskBase base = null;
            if (previous != null) {
                FixedIndex index = vault.readIndex(previous, previous.disk("vda"));
                base = DiskBase.dedupAgainst(previous.id(), index);
            }
            try (PointWriter writer = PointWriter.begin(vault, name, Instant.now(), 2)) {
                id = writer.id();
                attempted.put(id, TestData.sha256(data));
                writer.writeDisk("vda", ByteArrayBlockSource.of(data), "raw", base, Progress.NONE);
                writer.commit("CRASH", previous == null ? null : previous.id(), null, null);
            }
            succeeded.put(id, attempted.get(id));
            completed.incrementAndGet();
        } catch (IOException failedCleanly) {
            backupsFailed.incrementAndGet();
        }
    }

    /**
     * Deletes a completed point other than the newest of its name; a failure is an outcome. A failed delete may have
     * removed the manifest (the point is then unfinished, for gc), so the point is no longer expected listed; if it
     * is, it must still restore what was backed up.
     */
    private void deleteOne(Vault vault, Random random) {
        List<String> ids = new ArrayList<>(succeeded.keySet());
        ids.sort(null);
        if (ids.size() < 3) {
            return;
        }
        String id = ids.get(random.nextInt(ids.size() - 2)); // the two newest are likely the bases of the next round
        succeeded.remove(id);
        deleting.add(id);
        try {
            vault.deletePoint(id);
            deletesOk++;
        } catch (IOException failedCleanly) {
            deletesFailed++;
        }
    }

    /**
     * Replicates a completed point: the one whose replication failed last round, as a server retries it (its next
     * attempt finds what the failed one left under the same replica id), else one drawn (maybe again: a published
     * replica is returned as it is). Returns its replica id.
     */
    private String replicateOne(PointReplicator replicator, Random random) {
        List<String> ids = new ArrayList<>(succeeded.keySet());
        if (ids.isEmpty()) {
            return null;
        }
        ids.sort(null);
        String id = retry != null && succeeded.containsKey(retry) ? retry : ids.get(random.nextInt(ids.size()));
        retry = null;
        String replicaId = replicator.replicaId(id);
        replicaOf.put(replicaId, id);
        try {
            replicator.replicate(new PointReplicator.Request(id, null, null), Progress.NONE);
            replicated.add(replicaId);
        } catch (IOException failedCleanly) {
            replicationsFailed++;
            retry = id;
        }
        return replicaId;
    }

    /**
     * With the faults off: every completed replication is listed, nothing is lost, verify is clean, and the replica of
     * this round (if listed) and one other restore what their source points backed up.
     */
    private void assertOnlyWholeReplicas(Vault replica, String copied, Random random, String what) throws IOException {
        PointListing listing = replica.listPoints();
        assertEquals(List.of(), listing.lost(), what + ": replica vault");
        assertEquals(List.of(), listing.unreadable(), what + ": replica vault");
        List<String> listed = listing.points().stream().map(PointManifest::id).toList();
        assertTrue(listed.containsAll(replicated), what + ": every completed replication has its replica");
        List<PointManifest> toRestore = new ArrayList<>();
        listing.points().stream().filter(p -> p.id().equals(copied)).forEach(toRestore::add);
        if (!listing.points().isEmpty()) {
            toRestore.add(listing.points().get(random.nextInt(listing.points().size())));
        }
        for (PointManifest point : toRestore) {
            ByteArrayBlockSink sink = new ByteArrayBlockSink(DISK);
            new DiskRestorer(replica, 2).restore(point, point.disk("vda"), sink, false, Progress.NONE);
            assertEquals(attempted.get(replicaOf.get(point.id())), TestData.sha256(sink.bytes()),
                    what + ": replica " + point.id() + " restores what its source point backed up");
        }
        VerifyReport report = new Verifier(replica, 2).verify(listing, Progress.NONE);
        assertTrue(report.clean(), what + ": replica vault: " + report);
    }

    private void restoreOne(Vault vault, Random random, String what) throws IOException {
        if (succeeded.isEmpty()) {
            return;
        }
        List<String> ids = new ArrayList<>(succeeded.keySet());
        ids.sort(null);
        String id = ids.get(random.nextInt(ids.size()));
        try {
            PointManifest point = vault.point(id);
            ByteArrayBlockSink sink = new ByteArrayBlockSink(DISK);
            new DiskRestorer(vault, 2).restore(point, point.disk("vda"), sink, false, Progress.NONE);
            assertEquals(succeeded.get(id), TestData.sha256(sink.bytes()), what + ": a restore that completes is exact");
            restoresOk++;
        } catch (IOException fault) {
            assertTrue(!(fault instanceof CorruptDataException), what + ": a fault is not damage: " + fault);
            restoresFailed++;
        }
    }

    /** With the faults off: every completed backup is listed, every listed point is whole and holds its data. */
    private void assertOnlyWholePoints(Vault vault, String what) throws IOException {
        PointListing listing = vault.listPoints();
        assertEquals(List.of(), listing.lost(), what);
        assertEquals(List.of(), listing.unreadable(), what);
        List<String> listed = listing.points().stream().map(PointManifest::id).toList();
        assertTrue(listed.containsAll(succeeded.keySet()), what + ": every completed backup has its point");
        for (PointManifest point : listing.points()) {
            ByteArrayBlockSink sink = new ByteArrayBlockSink(DISK);
            new DiskRestorer(vault, 2).restore(point, point.disk("vda"), sink, false, Progress.NONE);
            assertEquals(attempted.get(point.id()), TestData.sha256(sink.bytes()),
                    what + ": point " + point.id() + " restores what was backed up");
        }
        VerifyReport report = new Verifier(vault, 2).verify(listing, Progress.NONE);
        assertTrue(report.clean(), what + ": " + report);
    }

    private long keptAfterFailure(Vault vault) throws IOException {
        return vault.points().stream().filter(p -> attempted.containsKey(p.id()) && !succeeded.containsKey(p.id())
                && !deleting.contains(p.id())).count();
    }
}
