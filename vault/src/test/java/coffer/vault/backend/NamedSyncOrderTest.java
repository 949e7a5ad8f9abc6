package coffer.vault.backend;

import coffer.testing.ByteArrayBlockSource;
import coffer.testing.DiskImage;
import coffer.testing.ForwardingBackend;
import coffer.testing.TestVault;
import coffer.vault.PointManifest;
import coffer.vault.UnfinishedMarker;
import coffer.vault.Vault;
import coffer.vault.format.FixedIndex;
import coffer.vault.io.Progress;
import coffer.vault.write.PointWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static coffer.testing.TestVault.CHUNK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A point's commit in a directory vault makes durable, by name, what its manifest references: every object the
 * manifest names (its indexes, their chunks, also chunks another writer published and this one only found present,
 * and the marker) is fsynced, with each directory from its own up to the root, before the manifest is published;
 * the manifest after it, before the commit returns; the chunks before any index. A few objects are fsynced one by
 * one with no {@code syncfs}; beyond {@link NamedFileSync#MOST_NAMES} the barrier is the file system's, and the set
 * of names stays bounded. The calls are recorded on a real directory (the real {@code fsync}s and {@code syncfs} run
 * too) and the point restores bit-exact from a new backend on the same directory.
 */
class NamedSyncOrderTest {
    @TempDir
    Path dir;

    /** Every publish ("put NAME"), fsync ("fsync PATH") and file-system sync ("syncfs"), in order. */
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    private final Durability recording = new Durability() {
        @Override
        public void force(Path path) throws IOException {
            Durability.SYSTEM.force(path);
            events.add("fsync " + path);
        }

        @Override
        public void syncFileSystemOf(Path directory) throws IOException {
            Durability.SYSTEM.syncFileSystemOf(directory);
            events.add("syncfs");
        }
    };

    /** Records publishes; its sync set is the directory backend's own. */
    private final class Recorded extends ForwardingBackend {
        Recorded(Backend delegate) {
            super(delegate);
        }

        @Override
        public void put(String name, ByteBuffer data) throws IOException {
            delegate.put(name, data);
            events.add("put " + name);
        }

        @Override
        public boolean putIfAbsent(String name, ByteBuffer data) throws IOException {
            boolean created = delegate.putIfAbsent(name, data);
            events.add("put " + name);
            return created;
        }

        @Override
        public SyncSet syncSet() {
            return delegate.syncSet();
        }
    }

    private Path root() {
        return dir.resolve("vault").toAbsolutePath().normalize();
    }

    private LocalDirectoryBackend recordedDirectory() {
        return new LocalDirectoryBackend(root(), NewFile.unnamedFiles()
                ? LocalDirectoryBackend.Publishing.UNDECIDED : LocalDirectoryBackend.Publishing.NAMED, recording);
    }

    private PointManifest backup(Vault vault, byte[] disk) throws IOException {
        try (PointWriter writer = PointWriter.begin(vault, "vm", java.time.Instant.parse("2026-12-07T18:00:00Z"), 2)) {
            writer.writeDisk("vda", ByteArrayBlockSource.of(disk), "raw", null, Progress.NONE);
            return writer.commit("CRASH", null, List.of(), null);
        }
    }

    private int indexOf(String event) {
        int at = events.indexOf(event);
        assertTrue(at >= 0, "no '" + event + "' in " + events);
        return at;
    }

    /** The object and every directory from its own up to the root fsynced after {@code from}, before {@code before}. */
    private void assertSyncedBetween(String name, int from, int before) {
        Set<Path> paths = new LinkedHashSet<>();
        for (Path p = root().resolve(name); p.startsWith(root()); p = p.getParent()) {
            paths.add(p);
        }
        for (Path p : paths) {
            int at = events.subList(0, before).lastIndexOf("fsync " + p);
            assertTrue(at > from, p + " not fsynced after event " + from + " and before event " + before + ": " + events);
        }
    }

    /** The names the manifest references: its indexes and their chunks. */
    private static List<String> referenced(Vault vault, PointManifest point) throws IOException {
        List<String> names = new ArrayList<>();
        for (PointManifest.Disk disk : point.disks()) {
            names.add(disk.index());
            FixedIndex index = vault.readIndex(point, disk);
            for (int i = 0; i < index.chunkCount(); i++) {
                if (!index.isZero(i)) {
                    names.add(index.get(i).objectName());
                }
            }
        }
        return names;
    }

    @Test
    void aSmallPointIsSyncedByNameBeforeItsManifestWithoutSyncingTheFileSystem() throws IOException {
        byte[] disk = new DiskImage(3 * CHUNK + 1000, 241).random(0, 3 * CHUNK + 1000).bytes();
        Vault vault = Vault.create(new Recorded(recordedDirectory()), CHUNK, null);
        events.clear();
        PointManifest point = backup(vault, disk);

        assertFalse(events.contains("syncfs"), "a point of a few objects synced the whole file system: " + events);
        int manifest = indexOf("put " + Vault.manifestName(point.id()));
        List<String> names = referenced(vault, point);
        assertEquals(5, names.size(), "one index and four chunks: " + names);
        for (String name : names) {
            assertSyncedBetween(name, indexOf("put " + name), manifest);
        }
        String marker = UnfinishedMarker.objectName(point.id());
        assertSyncedBetween(marker, indexOf("put " + marker), manifest);
        int firstIndex = indexOf("put " + point.disks().getFirst().index());
        for (String chunk : names.subList(1, names.size())) {
            assertTrue(events.indexOf("fsync " + root().resolve(chunk)) < firstIndex, chunk + " after the index: " + events);
        }
        assertSyncedBetween(Vault.manifestName(point.id()), manifest, events.size());

        // the commit worked: a new backend on the directory lists the point and restores it bit-exact
        try (TestVault reopened = TestVault.open(new LocalDirectoryBackend(root()), null)) {
            assertEquals(List.of(point.id()), reopened.vault().points().stream().map(PointManifest::id).toList());
            assertArrayEquals(disk, reopened.restore(point, "vda"));
            assertTrue(reopened.objects(Vault.POINTS).stream().noneMatch(n -> n.endsWith("unfinished")));
        }
    }

    @Test
    void chunksAnotherWriterPublishedAndThisOneFoundPresentAreSyncedBeforeItsManifest() throws IOException {
        byte[] disk = new DiskImage(4 * CHUNK, 242).random(0, 4 * CHUNK).bytes();
        Vault other = Vault.create(new LocalDirectoryBackend(root()), CHUNK, null);
        Vault vault = Vault.open(new Recorded(recordedDirectory()), null);
        PointManifest point;
        // the other writer publishes the chunks and has not reached its barrier when this one commits
        try (PointWriter unfinished = PointWriter.begin(other, "vm", java.time.Instant.parse("2026-12-07T17:00:00Z"), 2)) {
            unfinished.writeDisk("vda", ByteArrayBlockSource.of(disk), "raw", null, Progress.NONE);
            events.clear();
            point = backup(vault, disk);
        }
        List<String> names = referenced(vault, point);
        int manifest = indexOf("put " + Vault.manifestName(point.id()));
        for (String chunk : names.subList(1, names.size())) {
            assertFalse(events.contains("put " + chunk), "this writer stored " + chunk + " again: " + events);
            assertSyncedBetween(chunk, -1, manifest);
        }
        try (TestVault reopened = TestVault.open(new LocalDirectoryBackend(root()), null)) {
            assertArrayEquals(disk, reopened.restore(point, "vda"));
        }
    }

    @Test
    void manyChunksAreSyncedWithTheFileSystemOnceAndTheIndexAndManifestByName() throws IOException {
        int chunks = NamedFileSync.MOST_NAMES + 8;
        byte[] disk = new DiskImage(chunks * CHUNK, 243).random(0, chunks * CHUNK).bytes();
        Vault vault = Vault.create(new Recorded(recordedDirectory()), CHUNK, null);
        events.clear();
        PointManifest point = backup(vault, disk);

        int firstIndex = indexOf("put " + point.disks().getFirst().index());
        int manifest = indexOf("put " + Vault.manifestName(point.id()));
        assertEquals(1, Collections.frequency(events, "syncfs"), "one file-system sync, the chunks': " + events);
        assertTrue(events.indexOf("syncfs") < firstIndex, "the chunks' sync after the index: " + events);
        assertSyncedBetween(point.disks().getFirst().index(), firstIndex, manifest);
        assertSyncedBetween(Vault.manifestName(point.id()), manifest, events.size());
        try (TestVault reopened = TestVault.open(new LocalDirectoryBackend(root()), null)) {
            assertArrayEquals(disk, reopened.restore(point, "vda"));
        }
    }

    @Test
    void theNamesKeptAreBoundedWhateverIsAdded() throws IOException {
        LocalDirectoryBackend backend = recordedDirectory();
        backend.put("config-probe", ByteBuffer.wrap(new byte[]{1}));
        NamedFileSync set = (NamedFileSync) backend.syncSet();
        for (int i = 0; i < 100_000; i++) {
            set.add("chunks/" + String.format("%02x/%064x", i & 0xff, i));
        }
        assertTrue(set.size() <= NamedFileSync.MOST_NAMES, "kept " + set.size() + " names");
        events.clear();
        set.sync();
        assertEquals(List.of("syncfs"), events);
        events.clear();
        set.add("config-probe");
        set.sync();
        assertEquals(List.of("fsync " + root().resolve("config-probe"), "fsync " + root()), events);
    }

    @Test
    void aNamedObjectThatIsGoneFailsTheSyncAndTheNextOneCoversEverything() throws IOException {
        LocalDirectoryBackend backend = recordedDirectory();
        backend.put("config-probe", ByteBuffer.wrap(new byte[]{1}));
        SyncSet set = backend.syncSet();
        set.add("chunks/aa/" + "a".repeat(64));
        BackendException failed = assertThrows(BackendException.class, set::sync);
        assertTrue(failed.getMessage().contains("chunks/aa/"), failed.getMessage());
        events.clear();
        set.sync();
        assertEquals(List.of("syncfs"), events);
    }
}
