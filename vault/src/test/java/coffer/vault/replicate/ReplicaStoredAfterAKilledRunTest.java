package coffer.vault.replicate;

import coffer.testing.ForwardingBackend;
import coffer.testing.TestData;
import coffer.testing.TestVault;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.Backend;
import coffer.vault.backend.BackendException;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.io.Progress;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica's stored bytes after an earlier run of it died having stored its chunks (docs/reliability.md, session 21):
 * the run that publishes the replica finds them there (listed, or answered "exists"), and before session 21 the replica
 * said it had stored 0 B ({@code point list}: "stored 0 B"), as if it cost the destination nothing. Now a replica's
 * stored bytes are what it added to the destination over all its runs: the same as a replica made in one run
 * (docs/design/replication.md, "Stored bytes of a replica"), while the run's own result still says what it moved.
 * The earlier run dies as a killed process does: from the put of the disk's index on, every call fails, so its cleanup
 * removes nothing (its marker and chunks stay). On a destination answering like S3 (a listing, conditional writes) and
 * on a directory (an existence check per chunk).
 */
class ReplicaStoredAfterAKilledRunTest {
    private static final int CHUNK = TestVault.CHUNK;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "remote-like destination: {0}")
    @ValueSource(booleans = {true, false})
    void aReplicaWhoseEarlierRunWasKilledCountsWhatThatRunStored(boolean remote) throws IOException {
        byte[] disk = TestData.random(21, 24 * CHUNK);
        try (TestVault source = TestVault.create(new LocalDirectoryBackend(dir.resolve("source")), null);
             TestVault reference = TestVault.create(new LocalDirectoryBackend(dir.resolve("reference")), null);
             TestVault east = TestVault.create(new LocalDirectoryBackend(dir.resolve("east")), null)) {
            PointManifest point = source.backup("vm", disk);
            PointManifest whole = replicate(source.vault(), reference.vault()).replica();
            long wholeStored = stored(whole);
            assertTrue(wholeStored > 0, "a replica made in one run stored its chunks");

            Dying dying = new Dying(east.backend(), remote);
            try (Vault first = Vault.open(dying, null)) {
                assertThrows(IOException.class, () -> replicate(source.vault(), first));
            }
            assertTrue(east.chunkObjects().size() >= 24, "the killed run stored the chunks: " + east.chunkObjects().size());

            // the dead process's claim and lock are judged stale by the next run (its pid is gone; here it is the test's)
            for (String prefix : List.of("claims/", "locks/")) {
                for (ObjectInfo left : east.backend().list(prefix)) {
                    east.backend().delete(left.name());
                }
            }
            String replicaId = new PointReplicator(source.vault(), east.vault(), 2).replicaId(point.id());
            assertTrue(east.backend().exists(coffer.vault.UnfinishedMarker.objectName(replicaId)),
                    "the killed run's unfinished marker stays");
            Backend alive = remote ? new RemoteLike(east.backend()) : east.backend();
            try (Vault again = Vault.open(alive, null)) {
                PointReplicator.Result retry = replicate(source.vault(), again);
                assertEquals(0, retry.storedBytes(), "this run moved nothing: the killed one had stored it all");
                assertEquals(wholeStored, stored(retry.replica()), "the replica's stored bytes are what it added");
                assertEquals(newChunks(whole), newChunks(retry.replica()));
                assertArrayEquals(disk, east.restore(retry.replica(), "vda"));
            }
        }
    }

    private PointReplicator.Result replicate(Vault from, Vault to) throws IOException {
        String id = from.points().getFirst().id();
        return new PointReplicator(from, to, 2).replicate(new PointReplicator.Request(id, null, null), Progress.NONE);
    }

    private static long stored(PointManifest replica) {
        return replica.disks().stream().mapToLong(PointManifest.Disk::newStoredBytes).sum();
    }

    private static long newChunks(PointManifest replica) {
        return replica.disks().stream().mapToLong(PointManifest.Disk::newChunks).sum();
    }

    /** A destination that answers as S3 does: asking whether an object exists costs a request. */
    private static class RemoteLike extends ForwardingBackend {
        private final boolean remote;

        RemoteLike(Backend delegate) {
            this(delegate, true);
        }

        RemoteLike(Backend delegate, boolean remote) {
            super(delegate);
            this.remote = remote;
        }

        @Override
        public boolean cheapStat() {
            return !remote && delegate.cheapStat();
        }

        @Override
        public void close() {
            // the test's vault closes the store
        }
    }

    /** A destination whose process dies at the put of a disk's index: that call and every later one fail. */
    private static final class Dying extends RemoteLike {
        private volatile boolean dead;

        Dying(Backend delegate, boolean remote) {
            super(delegate, remote);
        }

        private void check(String name) throws BackendException {
            if (name != null && name.endsWith(".fidx")) {
                dead = true;
            }
            if (dead) {
                throw new BackendException("the process is gone (test)", false, null);
            }
        }

        @Override
        public void put(String name, ByteBuffer data) throws IOException {
            check(name);
            super.put(name, data);
        }

        @Override
        public boolean putIfAbsent(String name, ByteBuffer data) throws IOException {
            check(name);
            return super.putIfAbsent(name, data);
        }

        @Override
        public ByteBuffer get(String name) throws IOException {
            check(null);
            return super.get(name);
        }

        @Override
        public Optional<ObjectInfo> stat(String name) throws IOException {
            check(null);
            return super.stat(name);
        }

        @Override
        public boolean exists(String name) throws IOException {
            check(null);
            return super.exists(name);
        }

        @Override
        public void delete(String name) throws IOException {
            check(null);
            super.delete(name);
        }

        @Override
        public List<ObjectInfo> list(String prefix) throws IOException {
            check(null);
            return super.list(prefix);
        }

        @Override
        public List<String> listChildren(String prefix) throws IOException {
            check(null);
            return super.listChildren(prefix);
        }

        @Override
        public void sync() throws IOException {
            check(null);
            super.sync();
        }
    }
}
