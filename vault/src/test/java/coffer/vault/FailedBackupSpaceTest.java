package coffer.vault;

import coffer.testing.ByteArrayBlockSource;
import coffer.testing.ForwardingBackend;
import coffer.testing.SizeLimitedBackend;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.backend.BackendException;
import coffer.vault.backend.MemoryBackend;
import coffer.vault.crypto.KeyService;
import coffer.vault.io.BlockSource;
import coffer.vault.io.Extent;
import coffer.vault.io.Progress;
import coffer.vault.maintenance.Verifier;
import coffer.vault.write.PointWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backup that fails or is cancelled gives back the space it took: it removes the chunks it created that no
 * point uses, so a full vault accepts the next, smaller backup; chunks another backup came to use meanwhile
 * (deduplication) are kept. The full vault is {@link SizeLimitedBackend}, a fake of a full file system (the
 * same on a real 48 MiB tmpfs: {@code FullFileSystemIT} in the cli module).
 */
class FailedBackupSpaceTest {
    private static final long LIMIT = 16L << 20;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = VaultFlavour.class, names = {"MEMORY", "MEMORY_ENCRYPTED"})
    void aBackupFailingOnAFullVaultRemovesItsChunksAndALaterBackupSucceeds(VaultFlavour flavour) throws IOException {
        SizeLimitedBackend full = new SizeLimitedBackend(new MemoryBackend(), LIMIT);
        try (TestVault vault = TestVault.create(full, flavour.keys(dir))) {
            byte[] small = TestData.random(81, 2 << 20);
            PointManifest kept = vault.backup("small", small);
            List<String> chunksBefore = vault.chunkObjects();
            long usedBefore = full.used();

            PointWriter[] writer = new PointWriter[1];
            BackendException e = assertThrows(BackendException.class, () -> {
                try (PointWriter w = PointWriter.begin(vault.vault(), "big", vault.nextCreationTime(), TestVault.THREADS)) {
                    writer[0] = w;
                    w.writeDisk("vda", ByteArrayBlockSource.of(TestData.random(82, 48 << 20)), "raw", null, Progress.NONE);
                }
            });
            assertEquals(null, writer[0].reclaimed().leftBecause(), "every chunk it created was removed");
            assertTrue(e.getMessage().contains("No space left"), e.getMessage());
            assertFalse(e.retryable());

            assertEquals(chunksBefore, vault.chunkObjects(), "the failed backup removed every chunk it had written");
            assertEquals(usedBefore, full.used(), "and so gave back all the space it took");
            assertEquals(List.of(), vault.objects("locks/"));
            assertEquals(List.of(kept.disk("vda").index(), Vault.manifestName(kept.id())), vault.objects(Vault.POINTS));

            byte[] later = TestData.random(83, 4 << 20);
            PointManifest next = vault.backup("later", later);
            assertArrayEquals(later, vault.restore(next, "vda"), "a later, smaller backup succeeds");
            assertArrayEquals(small, vault.restore(kept, "vda"));
            assertTrue(new Verifier(vault.vault(), 2).verify(vault.vault().listPoints(), Progress.NONE).clean());
        }
    }

    @Test
    void chunksAnotherBackupCameToUseMeanwhileAreKept() throws IOException {
        byte[] shared = TestData.random(84, 3 * CHUNK);
        byte[] own = TestData.random(85, 2 * CHUNK);
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            PointWriter failing = PointWriter.begin(vault.vault(), "a", vault.nextCreationTime(), 2);
            failing.writeDisk("vda", ByteArrayBlockSource.of(shared), "raw", null, Progress.NONE);
            failing.writeDisk("vdb", ByteArrayBlockSource.of(own), "raw", null, Progress.NONE);
            assertEquals(5, vault.chunkObjects().size());

            PointManifest other = vault.backup("b", shared); // finds the failing writer's three chunks present
            assertEquals(0, other.disk("vda").newChunks(), "deduplicated against chunks of a writer still running");

            failing.close(); // fails: never committed
            assertEquals(new PointWriter.Reclaimed(5, 2, null), failing.reclaimed());
            assertEquals(3, vault.chunkObjects().size());
            assertArrayEquals(shared, vault.restore(other, "vda"), "the other point lost nothing");
            assertTrue(new Verifier(vault.vault(), 2).verify(vault.vault().listPoints(), Progress.NONE).clean());
        }
    }

    @Test
    void chunksAWriterWhoseLockWentStaleCountsOnAreKept() throws IOException {
        byte[] shared = TestData.random(89, 3 * CHUNK);
        try (TestVault vault = VaultFlavour.MEMORY_ENCRYPTED.create(dir)) {
            PointWriter failing = PointWriter.begin(vault.vault(), "a", vault.nextCreationTime(), 2);
            failing.writeDisk("vda", ByteArrayBlockSource.of(shared), "raw", null, Progress.NONE);
            List<String> locksBefore = vault.objects("locks/");
            try (PointWriter stale = PointWriter.begin(vault.vault(), "b", vault.nextCreationTime(), 2)) {
                List<String> staleLock = new ArrayList<>(vault.objects("locks/"));
                staleLock.removeAll(locksBefore);
                assertEquals(1, staleLock.size());
                PointManifest.Disk disk = stale.writeDisk("vda", ByteArrayBlockSource.of(shared), "raw", null,
                        Progress.NONE);
                assertEquals(0, disk.newChunks(), "it counts on the chunks of the writer that fails");
                // another process found b's lock stale (its refreshes failed for 15 minutes, or that process's clock
                // is ahead of the store's) and removed it: b writes on without a lock
                vault.vault().backend().delete(staleLock.getFirst());

                failing.close(); // fails: never committed; takes the exclusive lock, b's lock no longer stops it

                PointManifest published = stale.commit("CRASH", null, null, null);
                assertTrue(new Verifier(vault.vault(), 2).verify(vault.vault().listPoints(), Progress.NONE).clean(),
                        "b's point names no missing chunk");
                assertArrayEquals(shared, vault.restore(published, "vda"), "b's point is whole");
                assertEquals(0, failing.reclaimed().removedChunks(), "no chunk b may name was removed");
                assertTrue(failing.reclaimed().leftBecause().contains(stale.id()), failing.reclaimed().leftBecause());
                assertEquals(3, vault.chunkObjects().size());
            }
        }
    }

    @Test
    void anUnfinishedPointOfADeadProcessOfThisHostDoesNotStopTheRemovalOneOfAnotherHostDoes() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        try (TestVault vault = VaultFlavour.MEMORY.create(dir)) {
            String killed = PointIds.newId(vault.nextCreationTime());
            new UnfinishedMarker(UnfinishedMarker.FORMAT, UnfinishedMarker.VERSION, "write", HostName.get(),
                    gone.pid(), vault.nextCreationTime()).put(vault.vault(), killed);
            PointWriter failing = PointWriter.begin(vault.vault(), "a", vault.nextCreationTime(), 2);
            failing.writeDisk("vda", ByteArrayBlockSource.of(TestData.random(90, 2 * CHUNK)), "raw", null, Progress.NONE);
            failing.close();
            assertEquals(new PointWriter.Reclaimed(2, 2, null), failing.reclaimed(), "a killed writer names nothing");

            String elsewhere = PointIds.newId(vault.nextCreationTime());
            new UnfinishedMarker(UnfinishedMarker.FORMAT, UnfinishedMarker.VERSION, "write", "another-host", 1,
                    vault.nextCreationTime()).put(vault.vault(), elsewhere);
            PointWriter second = PointWriter.begin(vault.vault(), "b", vault.nextCreationTime(), 2);
            second.writeDisk("vda", ByteArrayBlockSource.of(TestData.random(91, 2 * CHUNK)), "raw", null, Progress.NONE);
            second.close();
            assertEquals(0, second.reclaimed().removedChunks(), "a writer on another host may be writing on");
            assertTrue(second.reclaimed().leftBecause().contains(elsewhere), second.reclaimed().leftBecause());
            assertEquals(2, vault.chunkObjects().size(), "left to gc");
        }
    }

    /**
     * A delete takes no lock: one that ends between the removal's listing of {@code points/} (the point showing its
     * delete marker and an index, its manifest gone) and the removal's read of that marker leaves no marker to read.
     * Nothing writes such a point (a writer removes its marker only after its manifest is published, or after all else
     * of its point is gone), so the failed backup still gives its chunks back. Before, the marker that no longer read
     * counted as a writer that may still write, and the chunks were left to gc: on a full vault, while a retention
     * sweep deleted points, the next backup failed too.
     */
    @Test
    void aDeleteEndingWhileTheRemovalLooksAtItsMarkerDoesNotKeepTheChunks() throws IOException {
        AtomicReference<HookedBackendAction> afterPointsListing = new AtomicReference<>();
        ForwardingBackend hooked = new ForwardingBackend(new MemoryBackend()) {
            @Override
            public List<coffer.vault.backend.ObjectInfo> list(String prefix) throws IOException {
                List<coffer.vault.backend.ObjectInfo> listed = super.list(prefix);
                HookedBackendAction action = prefix.equals(Vault.POINTS) ? afterPointsListing.getAndSet(null) : null;
                if (action != null) {
                    action.run();
                }
                return listed;
            }
        };
        try (TestVault vault = TestVault.create(hooked, VaultFlavour.MEMORY.keys(dir))) {
            PointManifest old = vault.backup("old", TestData.random(92, 2 * CHUNK));
            // the delete of "old" is half-way: its marker published, its manifest removed, its index not yet
            UnfinishedMarker.of("delete").put(vault.vault(), old.id());
            hooked.delete(Vault.manifestName(old.id()));
            afterPointsListing.set(() -> { // the delete ends: its index, then its marker
                hooked.delete(old.disk("vda").index());
                hooked.delete(UnfinishedMarker.objectName(old.id()));
            });

            PointWriter failing = PointWriter.begin(vault.vault(), "a", vault.nextCreationTime(), 2);
            failing.writeDisk("vda", ByteArrayBlockSource.of(TestData.random(93, 2 * CHUNK)), "raw", null, Progress.NONE);
            failing.close(); // fails: never committed

            assertNull(afterPointsListing.get(), "the delete ended between the listing and the marker's read");
            assertEquals(new PointWriter.Reclaimed(2, 2, null), failing.reclaimed(), "nothing writes a deleted point");
            assertEquals(2, vault.chunkObjects().size(), "only the deleted point's chunks are left, for gc");
            assertEquals(List.of(), vault.objects(Vault.POINTS));
        }
    }

    /** A step run between two backend calls. */
    @FunctionalInterface
    private interface HookedBackendAction {
        void run() throws IOException;
    }

    @Test
    void aCancelledBackupRemovesItsChunks() throws Exception {
        try (TestVault vault = VaultFlavour.LOCAL.create(dir)) {
            vault.backup("before", TestData.random(86, CHUNK));
            List<String> chunksBefore = vault.chunkObjects();
            CountDownLatch reading = new CountDownLatch(1);
            BlockSource stalls = new StallingSource(ByteArrayBlockSource.of(TestData.random(87, 8 * CHUNK)), 4L * CHUNK, reading);
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread backup = Thread.ofPlatform().start(() -> {
                try (PointWriter writer = PointWriter.begin(vault.vault(), "cancelled", vault.nextCreationTime(), 1)) {
                    writer.writeDisk("vda", stalls, "raw", null, Progress.NONE);
                    writer.commit("CRASH", null, null, null);
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            reading.await();
            assertTrue(vault.chunkObjects().size() > chunksBefore.size(), "it had stored chunks when cancelled");
            backup.interrupt();
            backup.join();
            assertInstanceOf(InterruptedIOException.class, outcome.get());
            assertEquals(chunksBefore, vault.chunkObjects(), "the cancelled backup removed the chunks it stored");
            assertEquals(List.of(), vault.objects("locks/"));
            assertNull(vault.vault().latest("cancelled"));
        }
    }

    @Test
    void aCommitWhoseManifestReachedStorageButCannotBeRemovedLeavesTheWholePoint() throws IOException {
        byte[] data = TestData.random(88, 4 * CHUNK);
        KeyService keys = VaultFlavour.MEMORY_ENCRYPTED.keys(dir);
        try (TestVault vault = TestVault.create(new MemoryBackend(), keys)) {
            // the manifest's put reaches storage, then reports a failure; its removal fails too
            ForwardingBackend flaky = new ForwardingBackend(vault.vault().backend()) {
                @Override
                public void put(String name, ByteBuffer body) throws IOException {
                    delegate.put(name, body);
                    if (name.endsWith("/manifest")) {
                        throw new IOException("injected: connection lost after the manifest was stored");
                    }
                }

                @Override
                public void delete(String name) throws IOException {
                    if (name.endsWith("/manifest")) {
                        throw new IOException("injected: the manifest's removal failed");
                    }
                    delegate.delete(name);
                }
            };
            PointWriter[] writer = new PointWriter[1];
            try (Vault over = Vault.open(flaky, keys)) {
                IOException e = assertThrows(IOException.class, () -> {
                    try (PointWriter w = PointWriter.begin(over, "web", vault.nextCreationTime(), 2)) {
                        writer[0] = w;
                        w.writeDisk("vda", ByteArrayBlockSource.of(data), "raw", null, Progress.NONE);
                        w.commit("CRASH", null, null, null);
                    }
                });
                assertTrue(e.getMessage().contains("after the manifest was stored"), e.getMessage());
            }
            assertEquals(0, writer[0].reclaimed().removedChunks(), "no chunk of a point that may stand is removed");
            PointListing listing = vault.vault().listPoints();
            assertEquals(List.of(), listing.unreadable());
            assertEquals(1, listing.points().size(), "the manifest stayed, so the point is listed");
            assertArrayEquals(data, vault.restore(listing.points().getFirst(), "vda"), "and it is whole");
            assertTrue(new Verifier(vault.vault(), 2).verify(listing, Progress.NONE).clean());
        }
    }

    /**
     * A backend that throws a {@code RuntimeException} on a delete of the cleanup (none of Coffer's does; a bug or a
     * library's surprise may) left the writer among this process's open writers and its shared lock held and
     * refreshed: gc was refused as long as the process ran, and every later failed backup kept its chunks (an
     * unfinished point of this process "may still be written"). The bookkeeping now ends whatever the cleanup throws.
     */
    @Test
    void aRuntimeExceptionOfTheBackendDuringTheCleanupStillEndsTheWriterAndReleasesItsLock() throws IOException {
        byte[] data = TestData.random(89, 2 * CHUNK);
        byte[] next = TestData.random(90, 2 * CHUNK);
        try (TestVault vault = TestVault.create(new MemoryBackend(), null)) {
            String[] writing = new String[1];
            ForwardingBackend buggy = new ForwardingBackend(vault.vault().backend()) {
                @Override
                public void delete(String name) throws IOException {
                    if (name.equals(UnfinishedMarker.objectName(writing[0]))) {
                        throw new IllegalStateException("injected: a backend's bug on the delete of " + name);
                    }
                    delegate.delete(name);
                }
            };
            try (Vault over = Vault.open(buggy, null)) {
                PointWriter failing = PointWriter.begin(over, "a", vault.nextCreationTime(), 2);
                writing[0] = failing.id();
                failing.writeDisk("vda", ByteArrayBlockSource.of(data), "raw", null, Progress.NONE);
                IllegalStateException e = assertThrows(IllegalStateException.class, failing::close);
                assertTrue(e.getMessage().contains("injected"), e.getMessage());
                assertEquals(List.of(), vault.objects("locks/"), "its lock is released");
                assertEquals(0, failing.reclaimed().removedChunks(), "its chunks stay for gc");
                assertTrue(failing.reclaimed().leftBecause().contains("cleanup failed"), failing.reclaimed().toString());

                // its unfinished point is no longer one a writer of this process may still write
                PointWriter second = PointWriter.begin(vault.vault(), "b", vault.nextCreationTime(), 2);
                second.writeDisk("vda", ByteArrayBlockSource.of(next), "raw", null, Progress.NONE);
                second.close();
                assertEquals(new PointWriter.Reclaimed(2, 2, null), second.reclaimed());
                // and gc is not refused: it removes what the first writer left
                coffer.vault.maintenance.GcReport gc = new coffer.vault.maintenance.GarbageCollector(vault.vault())
                        .collect(java.time.Duration.ZERO, java.time.Duration.ZERO);
                assertEquals(2, gc.sweptChunks(), gc.toString());
                assertEquals(1, gc.orphanObjects(), "its marker: " + gc);
                assertEquals(List.of("config"), vault.objects(""), "nothing but the vault's config");
            }
        }
    }

    /** Reads normally up to {@code stallAt}, then signals {@code reached} and blocks until interrupted. */
    private record StallingSource(BlockSource delegate, long stallAt, CountDownLatch reached) implements BlockSource {
        @Override
        public long size() {
            return delegate.size();
        }

        @Override
        public List<Extent> dataExtents(long offset, long length) throws IOException {
            return delegate.dataExtents(offset, length);
        }

        @Override
        public void read(long offset, ByteBuffer dst) throws IOException {
            if (offset >= stallAt) {
                reached.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    throw new InterruptedIOException("read interrupted");
                }
            }
            delegate.read(offset, dst);
        }

        @Override
        public String describe() {
            return "stalling source";
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
