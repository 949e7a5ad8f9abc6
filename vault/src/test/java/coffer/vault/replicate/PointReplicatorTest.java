package coffer.vault.replicate;

import coffer.testing.ByteArrayBlockSource;
import coffer.testing.CrashingBackend;
import coffer.testing.DiskImage;
import coffer.testing.TestVault;
import coffer.vault.ChunkId;
import coffer.vault.PointIds;
import coffer.vault.PointImmutableException;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.VaultBusyException;
import coffer.vault.backend.Backend;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.backend.MemoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.vault.format.FixedIndex;
import coffer.vault.io.Extent;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.Damage;
import coffer.vault.maintenance.Quarantine;
import coffer.vault.maintenance.Verifier;
import coffer.vault.write.DiskBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replicating points between two vaults with their own keys (memory and directory backends; S3 in
 * {@code ReplicationS3IT}): what moves, what the replica's objects are named and sealed with, and what a
 * cancelled or crashed replication leaves.
 */
class PointReplicatorTest {
    private static final int SIZE = 12 * CHUNK + 7000;
    /** Small changes in chunks 1 and 9 (stored as patches), chunk 4 rewritten whole. */
    private static final List<Extent> CHANGES = List.of(new Extent(CHUNK + 100, 4096), new Extent(9L * CHUNK + 5, 300),
            new Extent(4L * CHUNK, CHUNK));

    @TempDir
    Path dir;

    private static byte[] firstDisk() {
        return new DiskImage(SIZE, 7).random(0, 6 * CHUNK).text(6L * CHUNK, 5 * CHUNK).zeros(3L * CHUNK, CHUNK)
                .copy(0, 11L * CHUNK, CHUNK).bytes();
    }

    private static byte[] changed(byte[] disk) {
        DiskImage image = DiskImage.from(disk, 8);
        CHANGES.forEach(e -> image.random(e.offset(), (int) e.length()));
        return image.bytes();
    }

    /** A vault in {@code dir/name} (a directory) or in memory, encrypted under its own key ring when asked. */
    private TestVault vault(String name, boolean local, boolean encrypted) throws IOException {
        Backend backend = local ? new LocalDirectoryBackend(dir.resolve(name)) : new MemoryBackend();
        return TestVault.create(backend, encrypted ? new LocalKeyRing(dir.resolve(name + "-keyring.json")) : null);
    }

    private static PointReplicator.Result replicate(TestVault from, TestVault to, PointManifest point) throws IOException {
        return new PointReplicator(from.vault(), to.vault(), 2)
                .replicate(new PointReplicator.Request(point.id(), sourceFacts(point), null), Progress.NONE);
    }

    /** Facts a caller might record on a replica (the vault stores them as given). */
    private static com.fasterxml.jackson.databind.JsonNode sourceFacts(PointManifest point) {
        return coffer.vault.format.Json.MAPPER.createObjectNode().put("version", 1).set("replica",
                coffer.vault.format.Json.MAPPER.createObjectNode().put("point", point.id()));
    }

    private static Set<String> names(TestVault vault) throws IOException {
        return new HashSet<>(vault.chunkObjects());
    }

    @ParameterizedTest(name = "{0} encrypted {1} -> {2} encrypted {3}")
    @CsvSource({"false, false, false, true", "false, true, false, false", "false, true, false, true",
            "true, true, true, true", "true, false, true, false"})
    void fullThenIncrementalReplicaRestoresBitIdenticalUnderTheDestinationsKey(boolean localFrom, boolean encryptedFrom,
                                                                               boolean localTo, boolean encryptedTo)
            throws IOException {
        byte[] disk = firstDisk();
        byte[] next = changed(disk);
        try (TestVault source = vault("source", localFrom, encryptedFrom); TestVault destination = vault("dest", localTo, encryptedTo)) {
            PointManifest first = source.backup("vm", disk);
            PointManifest second = source.backup("vm", ByteArrayBlockSource.of(next),
                    new DiskBase(first.id(), source.index(first, "vda"), CHANGES));
            assertEquals(2, source.index(second, "vda").patchCount(), "the source holds chunks 1 and 9 as patches");

            PointReplicator.Result full = replicate(source, destination, first);
            PointManifest replica = full.replica();
            assertEquals(PointIds.replicaId(source.vault().config().vaultId(), first.id(),
                    destination.vault().config().vaultId()), replica.id());
            assertEquals(first.createdAt(), replica.createdAt());
            assertEquals(first.name(), replica.name());
            assertEquals(sourceFacts(first), replica.facts(), "the caller's facts, as given");
            assertNull(full.base());
            assertEquals(10, full.newObjects(), "eleven data chunks, chunk 11 repeats chunk 0");
            assertArrayEquals(disk, destination.restore(replica, "vda"));
            if (encryptedFrom || encryptedTo) {
                Set<String> shared = names(source);
                shared.retainAll(names(destination));
                assertEquals(Set.of(), shared, "another chunk-id key names the same data differently");
            } else {
                assertTrue(names(source).containsAll(names(destination)), "SHA-256 names the same data alike");
            }

            PointReplicator.Result incremental = replicate(source, destination, second);
            assertEquals(replica.id(), incremental.base(), "started from the replica of the parent");
            assertEquals(replica.id(), incremental.replica().parent());
            assertEquals(second.disk("vda").newChunks(), incremental.newObjects(), "what the source stored, no more");
            assertEquals(3, incremental.newObjects(), "two patches and one chunk");
            assertEquals(8, incremental.reusedEntries(), "every other data chunk taken from the base replica unread");
            assertTrue(incremental.readBytes() < CHUNK + 4096 + 300 + 1, "read only the patches' bytes and the new chunk: "
                    + incremental.readBytes());
            FixedIndex index = destination.index(incremental.replica(), "vda");
            assertEquals(2, index.patchCount(), "patches stay patches");
            FixedIndex baseIndex = destination.index(replica, "vda");
            assertEquals(baseIndex.get(1), index.patchOf(1).base(), "re-based onto the replica's own chunk");
            assertArrayEquals(next, destination.restore(incremental.replica(), "vda"));
            assertArrayEquals(disk, destination.restore(replica, "vda"));
            assertTrue(new Verifier(destination.vault(), 2).verify(destination.vault().points(), Progress.NONE).clean());

            PointReplicator.Result again = replicate(source, destination, second);
            assertTrue(again.alreadyThere());
            assertEquals(0, again.newObjects());
            assertEquals(2, destination.vault().points().size());
        }
    }

    @Test
    void anIncrementalWhoseParentHasNoReplicaCopiesThePatchBasesToo() throws IOException {
        byte[] disk = firstDisk();
        byte[] next = changed(disk);
        try (TestVault source = vault("source", false, true); TestVault destination = vault("dest", false, true)) {
            PointManifest first = source.backup("vm", disk);
            PointManifest second = source.backup("vm", ByteArrayBlockSource.of(next),
                    new DiskBase(first.id(), source.index(first, "vda"), CHANGES));

            PointReplicator.Result result = replicate(source, destination, second);
            assertNull(result.base());
            assertEquals(12, result.newObjects(), "ten chunks of the second point, the two patches' bases, the two patches");
            assertEquals(2, destination.index(result.replica(), "vda").patchCount());
            assertArrayEquals(next, destination.restore(result.replica(), "vda"));
            assertTrue(new Verifier(destination.vault(), 2).verify(destination.vault().points(), Progress.NONE).clean());
        }
    }

    @Test
    void aReplicaIsImmutableByItsOwnHold() throws IOException {
        try (TestVault source = vault("source", false, false); TestVault destination = vault("dest", false, true)) {
            PointManifest point = source.backup("vm", firstDisk());
            Instant until = Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            PointManifest replica = new PointReplicator(source.vault(), destination.vault(), 2)
                    .replicate(new PointReplicator.Request(point.id(), null, until), Progress.NONE).replica();
            assertEquals(until, replica.immutableUntil());
            assertEquals(until, destination.vault().readHold(replica.id()));
            assertThrows(PointImmutableException.class, () -> destination.vault().deletePoint(replica.id()));
            source.vault().deletePoint(point.id()); // the source's own point is not held
        }
    }

    @Test
    void aCancelledReplicationLeavesNoReplicaAndTheNextRunCompletes() throws Exception {
        byte[] disk = firstDisk();
        try (TestVault source = vault("source", true, true); TestVault destination = vault("dest", true, true)) {
            PointManifest point = source.backup("vm", disk);
            Throwable failure = MidWayCancel.replicate(source.vault(), destination.vault(), point.id());
            assertInstanceOf(InterruptedIOException.class, failure, String.valueOf(failure));
            assertEquals(List.of(), destination.vault().points(), "no half replica");
            assertEquals(List.of(), destination.objects("locks/"), "the lock is released");
            assertEquals(List.of(), destination.objects("claims/"), "the replica id's claim is given back");
            assertTrue(destination.objects("points/").isEmpty(), "the indexes written are removed");

            PointReplicator.Result result = replicate(source, destination, point);
            assertArrayEquals(disk, destination.restore(result.replica(), "vda"));
        }
    }

    /**
     * The destination fails from call n on (the process died there), for every n until a run gets through: each
     * failure is the destination's, no attempt publishes a replica that does not restore, and the run that gets
     * through leaves one whole replica.
     */
    @Test
    void aDestinationThatFailsAtAnyCallLeavesNoHalfReplicaAndTheNextRunCompletes() throws IOException {
        byte[] disk = firstDisk();
        Path ring = dir.resolve("dest-keyring.json");
        try (TestVault source = vault("source", false, true)) {
            PointManifest point = source.backup("vm", disk);
            MemoryBackend store = new MemoryBackend();
            Vault.create(store, CHUNK, new LocalKeyRing(ring)).close();
            int crashes = 0;
            for (long call = 2; ; call++) {
                assertTrue(call < 500, "a replication of 10 chunks needs far fewer calls");
                CrashingBackend crashing = CrashingBackend.crashAt(store, call, call % 2 == 0);
                try (Vault destination = Vault.open(crashing, new LocalKeyRing(ring))) {
                    new PointReplicator(source.vault(), destination, 2)
                            .replicate(new PointReplicator.Request(point.id(), null, null), Progress.NONE);
                    break;
                } catch (IOException e) {
                    assertInstanceOf(ReplicaWriteException.class, e, "the destination failed, not the source: " + e);
                    crashes++;
                }
                for (ObjectInfo held : store.list("locks/")) {
                    store.delete(held.name()); // a dead process's lock: the next contender removes it as stale
                }
                for (ObjectInfo held : store.list("claims/")) {
                    store.delete(held.name()); // and its claim on the replica id: the next run removes it as stale
                }
                try (TestVault destination = TestVault.open(store, new LocalKeyRing(ring))) {
                    for (PointManifest published : destination.vault().points()) {
                        // only when the crash came after the manifest was written: then it is whole
                        assertArrayEquals(disk, destination.restore(published, "vda"));
                    }
                }
            }
            assertTrue(crashes > 10, "crashed at each call until a run got through: " + crashes);
            try (TestVault destination = TestVault.open(store, new LocalKeyRing(ring))) {
                assertEquals(1, destination.vault().points().size());
                assertArrayEquals(disk, destination.restore(destination.vault().points().getFirst(), "vda"));
                assertTrue(new Verifier(destination.vault(), 2).verify(destination.vault().points(), Progress.NONE).clean());
            }
        }
    }

    /**
     * A replication writes the same replica id on every attempt, so an attempt can find objects an earlier one left:
     * here the first fails at its manifest and cannot remove its index (left beside its unfinished marker), the second
     * fails before writing any index. The second must not remove the marker: the first's index would then be a "lost"
     * point (verify reports it as damage, gc keeps it and what it names for ever). The third gets through.
     */
    @Test
    void aFailedAttemptKeepsTheMarkerOfWhatAnEarlierAttemptLeftUnderTheReplicaId() throws IOException {
        byte[] disk = firstDisk();
        Path ring = dir.resolve("dest-keyring.json");
        try (TestVault source = vault("source", false, true)) {
            PointManifest point = source.backup("vm", disk);
            MemoryBackend store = new MemoryBackend();
            Vault.create(store, CHUNK, new LocalKeyRing(ring)).close();
            CrashingBackend first = CrashingBackend.failWhen(store, (method, name) ->
                    method.equals("put") && name.endsWith("/manifest") || method.equals("delete") && name.endsWith(".fidx"));
            try (Vault destination = Vault.open(first, new LocalKeyRing(ring))) {
                assertThrows(ReplicaWriteException.class, () -> new PointReplicator(source.vault(), destination, 2)
                        .replicate(new PointReplicator.Request(point.id(), null, null), Progress.NONE));
            }
            String replicaId = new PointReplicator(source.vault(), Vault.open(store, new LocalKeyRing(ring)), 2)
                    .replicaId(point.id());
            assertEquals(List.of("points/" + replicaId + "/disk-0.fidx", "points/" + replicaId + "/unfinished"),
                    store.list("points/").stream().map(ObjectInfo::name).sorted().toList(), "the first attempt's leftovers");

            CrashingBackend second = CrashingBackend.failWhen(store, (method, name) ->
                    method.equals("list") && name.startsWith(Vault.DAMAGED));
            try (Vault destination = Vault.open(second, new LocalKeyRing(ring))) {
                assertThrows(ReplicaWriteException.class, () -> new PointReplicator(source.vault(), destination, 2)
                        .replicate(new PointReplicator.Request(point.id(), null, null), Progress.NONE));
            }
            try (TestVault destination = TestVault.open(store, new LocalKeyRing(ring))) {
                coffer.vault.PointListing listing = destination.vault().listPoints();
                assertEquals(List.of(), listing.lost(), "no lost point: the leftover index is an unfinished point's");
                assertEquals(List.of(replicaId), listing.unfinished());
                PointReplicator.Result third = new PointReplicator(source.vault(), destination.vault(), 2)
                        .replicate(new PointReplicator.Request(point.id(), null, null), Progress.NONE);
                assertArrayEquals(disk, destination.restore(third.replica(), "vda"));
                assertTrue(destination.vault().listPoints().whole());
            }
        }
    }

    /**
     * Two replications of the same point into one destination at once (a server's and a command's) write the same
     * replica id. The second passed the "already published?" check before the first published; the first publishes
     * while the second commits, and the second then fails after rewriting the indexes. Its cleanup must not remove
     * them: they are the published replica's (before: a listed replica whose index was gone). Two runs at once are
     * excluded by the replica id's claim; this is the case of a claim found stale.
     */
    @Test
    void aFailedReplicationDoesNotRemoveTheIndexesOfTheSameReplicaPublishedMeanwhile() throws IOException {
        byte[] disk = firstDisk();
        Path ring = dir.resolve("dest-keyring.json");
        try (TestVault source = vault("source", false, true)) {
            PointManifest point = source.backup("vm", disk);
            MemoryBackend store = new MemoryBackend();
            Vault.create(store, CHUNK, new LocalKeyRing(ring)).close();
            AtomicLong syncs = new AtomicLong();
            Backend racing = new coffer.testing.ForwardingBackend(store) {
                @Override
                public void sync() throws IOException {
                    long n = syncs.incrementAndGet();
                    if (n == 1) { // the second's commit begins: the first replication runs to its end now
                        // past the second's claim, as if it had been found stale (its refreshes failed for 15 minutes)
                        for (ObjectInfo claim : store.list("claims/")) {
                            store.delete(claim.name());
                        }
                        try (Vault other = Vault.open(store, new LocalKeyRing(ring))) {
                            new PointReplicator(source.vault(), other, 2)
                                    .replicate(new PointReplicator.Request(point.id(), null, null), Progress.NONE);
                        }
                    } else if (n == 2) { // the second's barrier after its indexes (rewritten over the first's)
                        throw new coffer.vault.backend.BackendException("injected failure of the barrier", true, null);
                    }
                    super.sync();
                }
            };
            try (Vault destination = Vault.open(racing, new LocalKeyRing(ring))) {
                assertThrows(ReplicaWriteException.class, () -> new PointReplicator(source.vault(), destination, 2)
                        .replicate(new PointReplicator.Request(point.id(), null, null), Progress.NONE));
            }
            try (TestVault destination = TestVault.open(store, new LocalKeyRing(ring))) {
                List<PointManifest> replicas = destination.vault().points();
                assertEquals(1, replicas.size(), "the first replication's replica");
                assertArrayEquals(disk, destination.restore(replicas.getFirst(), "vda"), "the replica is whole");
                assertTrue(new Verifier(destination.vault(), 2).verify(destination.vault().listPoints(), Progress.NONE)
                        .clean());
            }
        }
    }

    /**
     * A second run of the same replication while one runs (a server's retry and a command's) is refused at once: the
     * first holds the replica id's claim. Before, both ran; the second published the replica, and the first, failing
     * after writing the (same) manifest, removed it: a replica reported done was gone.
     */
    @Test
    void aSecondRunOfTheSameReplicationIsRefusedWhileOneRunsAndKeepsNothingTheFirstRemoves() throws IOException {
        byte[] disk = firstDisk();
        Path ring = dir.resolve("dest-keyring.json");
        try (TestVault source = vault("source", false, true)) {
            PointManifest point = source.backup("vm", disk);
            MemoryBackend store = new MemoryBackend();
            Vault.create(store, CHUNK, new LocalKeyRing(ring)).close();
            AtomicLong syncs = new AtomicLong();
            AtomicReference<Object> second = new AtomicReference<>();
            Backend racing = new coffer.testing.ForwardingBackend(store) {
                @Override
                public void sync() throws IOException {
                    long n = syncs.incrementAndGet();
                    if (n == 1) { // the first's commit begins: a second run of the same replication now
                        try (Vault other = Vault.open(store, new LocalKeyRing(ring))) {
                            second.set(new PointReplicator(source.vault(), other, 2)
                                    .replicate(new PointReplicator.Request(point.id(), null, null), Progress.NONE));
                        } catch (IOException refused) {
                            second.set(refused);
                        }
                    } else if (n == 3) { // the first's barrier after its manifest
                        throw new coffer.vault.backend.BackendException("injected failure of the barrier", true, null);
                    }
                    super.sync();
                }
            };
            try (Vault destination = Vault.open(racing, new LocalKeyRing(ring))) {
                assertThrows(ReplicaWriteException.class, () -> new PointReplicator(source.vault(), destination, 2)
                        .replicate(new PointReplicator.Request(point.id(), null, null), Progress.NONE));
            }
            try (TestVault destination = TestVault.open(store, new LocalKeyRing(ring))) {
                coffer.vault.PointListing listing = destination.vault().listPoints();
                if (second.get() instanceof PointReplicator.Result done) {
                    assertEquals(List.of(done.replica().id()), listing.points().stream().map(PointManifest::id).toList(),
                            "a replica reported done is listed");
                }
                VaultBusyException busy = assertInstanceOf(VaultBusyException.class, second.get());
                assertTrue(busy.getMessage().contains("replication of point " + point.id() + " is already running"),
                        busy.getMessage());
                assertEquals(List.of(), listing.points(), "the failed first run took back its own manifest");
                assertEquals(List.of(), listing.lost());
                assertEquals(List.of(), destination.objects("claims/"), "both claims were given back");

                PointReplicator.Result third = new PointReplicator(source.vault(), destination.vault(), 2)
                        .replicate(new PointReplicator.Request(point.id(), null, null), Progress.NONE);
                assertArrayEquals(disk, destination.restore(third.replica(), "vda"));
                assertTrue(new Verifier(destination.vault(), 2).verify(destination.vault().listPoints(), Progress.NONE)
                        .clean());
            }
        }
    }

    /** A claim left by a killed run of this host does not stop the next run; a live one of another host does. */
    @Test
    void aClaimOfADeadProcessIsPassedAndOneOfAnotherHostRefusesTheRun() throws Exception {
        byte[] disk = firstDisk();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        try (TestVault source = vault("source", false, false); TestVault target = vault("target", false, false)) {
            PointManifest point = source.backup("vm", disk);
            PointReplicator replicator = new PointReplicator(source.vault(), target.vault(), 2);
            String replicaId = replicator.replicaId(point.id());
            target.vault().backend().put("claims/" + replicaId + "/elsewhere", ByteBuffer.wrap(claimBody("kvm-99", 1)));
            VaultBusyException busy = assertThrows(VaultBusyException.class, () -> replicator.replicate(
                    new PointReplicator.Request(point.id(), null, null), Progress.NONE));
            assertTrue(busy.getMessage().contains("pid 1 on kvm-99"), busy.getMessage());
            assertEquals(List.of("claims/" + replicaId + "/elsewhere"), target.objects("claims/"), "only the other's");
            assertEquals(List.of(), target.vault().points());

            target.vault().backend().delete("claims/" + replicaId + "/elsewhere");
            target.vault().backend().put("claims/" + replicaId + "/killed",
                    ByteBuffer.wrap(claimBody(coffer.vault.HostName.get(), gone.pid())));
            PointReplicator.Result done = replicator.replicate(new PointReplicator.Request(point.id(), null, null),
                    Progress.NONE);
            assertArrayEquals(disk, target.restore(done.replica(), "vda"));
            assertEquals(List.of(), target.objects("claims/"), "the killed run's claim was removed as stale");
        }
    }

    private static byte[] claimBody(String host, long pid) {
        return ("{\"kind\":\"WRITE\",\"host\":\"" + host + "\",\"pid\":" + pid
                + ",\"purpose\":\"replication of point elsewhere\",\"createdAt\":\"" + Instant.now() + "\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aChunkQuarantinedInTheDestinationIsCopiedAgainAndHealsTheReplicas() throws IOException {
        byte[] disk = firstDisk();
        byte[] next = changed(disk);
        try (TestVault source = vault("source", false, false); TestVault destination = vault("dest", false, true)) {
            PointManifest first = source.backup("vm", disk);
            PointManifest second = source.backup("vm", ByteArrayBlockSource.of(next),
                    new DiskBase(first.id(), source.index(first, "vda"), CHANGES));
            PointManifest replica = replicate(source, destination, first).replica();
            ChunkId damaged = destination.index(replica, "vda").get(7);
            new Quarantine(destination.vault()).quarantine(List.of(new Damage(replica.id(), "vda", 7L * CHUNK, CHUNK,
                    damaged.objectName(), "test")), Duration.ofSeconds(5));

            PointReplicator.Result result = replicate(source, destination, second);
            assertEquals(4, result.newObjects(), "the quarantined chunk is copied again beside the three changes");
            assertArrayEquals(next, destination.restore(result.replica(), "vda"));
            assertArrayEquals(disk, destination.restore(replica, "vda"), "the first replica is whole again");
        }
    }

    /**
     * Replication re-seals every object with the destination's codec: a zstd vault's points replicated into an LZ4 vault
     * (and back) restore bit-identical, and the destination's compressed chunks carry its own codec's flag.
     */
    @Test
    void replicasAreSealedWithTheDestinationsCodecAndRestoreBitIdentical() throws IOException {
        byte[] disk = firstDisk();
        byte[] next = changed(disk);
        Backend lz4Store = new MemoryBackend();
        Vault.create(lz4Store, CHUNK, coffer.vault.format.Compression.LZ4, 1, null).close();
        try (TestVault zstd = vault("zstd", false, false); TestVault lz4 = TestVault.open(lz4Store, null);
             TestVault back = vault("back", false, false)) {
            PointManifest first = zstd.backup("vm", disk);
            PointManifest second = zstd.backup("vm", next);
            PointManifest firstReplica = replicate(zstd, lz4, first).replica();
            PointManifest secondReplica = replicate(zstd, lz4, second).replica();
            assertArrayEquals(disk, lz4.restore(firstReplica, "vda"));
            assertArrayEquals(next, lz4.restore(secondReplica, "vda"));
            int lz4Flagged = 0;
            for (String chunk : lz4.chunkObjects()) {
                ByteBuffer object = lz4Store.get(chunk);
                int flags = object.get(object.position() + 6);
                assertEquals(0, flags & 1, chunk + " is not zstd");
                lz4Flagged += (flags & 4) != 0 ? 1 : 0;
            }
            assertTrue(lz4Flagged > 0, "the text chunks are LZ4 blocks in the destination");
            PointManifest again = replicate(lz4, back, secondReplica).replica();
            assertArrayEquals(next, back.restore(again, "vda"));
        }
    }

    @Test
    void aDestinationOfAnotherChunkSizeIsRefused() throws IOException {
        try (TestVault source = vault("source", false, false);
             Vault destination = Vault.create(new MemoryBackend(), 2 * CHUNK, null)) {
            PointManifest point = source.backup("vm", firstDisk());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                    new PointReplicator(source.vault(), destination, 2).replicate(
                            new PointReplicator.Request(point.id(), null, null), Progress.NONE));
            assertTrue(e.getMessage().contains("chunk size"), e.getMessage());
            assertEquals(List.of(), destination.points());
        }
    }

    @Test
    void progressCoversTheWholeDiskOnce() throws IOException {
        byte[] disk = firstDisk();
        byte[] next = changed(disk);
        try (TestVault source = vault("source", false, true); TestVault destination = vault("dest", false, false)) {
            PointManifest first = source.backup("vm", disk);
            PointManifest second = source.backup("vm", ByteArrayBlockSource.of(next),
                    new DiskBase(first.id(), source.index(first, "vda"), CHANGES));
            for (PointManifest point : List.of(first, second)) {
                AtomicLong done = new AtomicLong();
                new PointReplicator(source.vault(), destination.vault(), 2)
                        .replicate(new PointReplicator.Request(point.id(), null, null), done::addAndGet);
                assertEquals(SIZE, done.get());
            }
            assertNotEquals(first.id(), destination.vault().points().getFirst().id());
            assertFalse(destination.vault().points().isEmpty());
        }
    }
}
