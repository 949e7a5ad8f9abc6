package coffer.vault.backend;

import coffer.testing.TestData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Backend} contract, run against every implementation: a subclass supplies a fresh, empty
 * backend and a way to publish an object with a past modification time.
 */
public abstract class BackendContract {
    /** How far a backend's modification time may be from this JVM's clock (coarse file system clocks). */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(5);

    protected Backend backend;

    /** A new backend holding no objects. */
    protected abstract Backend newBackend() throws IOException;

    /** Publishes {@code name} as if it had been written at {@code modified}. */
    protected abstract void putModifiedAt(String name, byte[] bytes, Instant modified) throws IOException;

    @BeforeEach
    void openBackend() throws IOException {
        backend = newBackend();
    }

    @AfterEach
    void closeBackend() throws IOException {
        backend.close();
    }

    // ---- put / get -------------------------------------------------------------------------------

    @Test
    void getReturnsTheBytesPut() throws IOException {
        byte[] bytes = TestData.random(1, 70_000);
        backend.put("chunks/ab/object", ByteBuffer.wrap(bytes));
        assertArrayEquals(bytes, bytesOf(backend.get("chunks/ab/object")));
    }

    @Test
    void putPublishesTheBufferFromItsPositionToItsLimit() throws IOException {
        byte[] bytes = "0123456789".getBytes(StandardCharsets.US_ASCII);
        backend.put("a", ByteBuffer.wrap(bytes, 3, 4));
        assertEquals("3456", new String(bytesOf(backend.get("a")), StandardCharsets.US_ASCII));
    }

    @Test
    void anEmptyObjectRoundTrips() throws IOException {
        backend.put("empty", ByteBuffer.allocate(0));
        assertEquals(0, backend.get("empty").remaining());
        assertEquals(0, backend.stat("empty").orElseThrow().size());
    }

    @Test
    void putReplacesAnExistingObject() throws IOException {
        backend.put("config", bytes("first version"));
        backend.put("config", bytes("second, longer version"));
        assertEquals("second, longer version", string(backend.get("config")));
        assertEquals(List.of("config"), names(backend.list("")));
    }

    @Test
    void laterChangesToThePutBufferDoNotChangeTheObject() throws IOException {
        byte[] bytes = "original".getBytes(StandardCharsets.US_ASCII);
        backend.put("a", ByteBuffer.wrap(bytes));
        bytes[0] = 'X';
        assertEquals("original", string(backend.get("a")));
    }

    // ---- putIfAbsent -------------------------------------------------------------------------------

    @Test
    void putIfAbsentCreatesOnceThenLeavesTheObjectUnchanged() throws IOException {
        assertTrue(backend.putIfAbsent("chunks/00/x", bytes("first")), "the first call creates the object");
        assertFalse(backend.putIfAbsent("chunks/00/x", bytes("second")), "the second call finds it");
        assertEquals("first", string(backend.get("chunks/00/x")));
    }

    @Test
    void putIfAbsentDoesNotRewriteAnObjectMadeByPut() throws IOException {
        backend.put("x", bytes("by put"));
        assertFalse(backend.putIfAbsent("x", bytes("by putIfAbsent")));
        assertEquals("by put", string(backend.get("x")));
    }

    @Test
    void putIfAbsentAfterDeleteCreatesAgain() throws IOException {
        backend.putIfAbsent("x", bytes("one"));
        backend.delete("x");
        assertTrue(backend.putIfAbsent("x", bytes("two")));
        assertEquals("two", string(backend.get("x")));
    }

    /**
     * Both implementations publish with one atomic step that fails when the name exists
     * ({@code link(2)}, {@code ConcurrentHashMap.putIfAbsent}), so of many concurrent calls with one name
     * exactly one reports that it created the object.
     */
    @Test
    void concurrentPutIfAbsentOfOneNameCreatesItExactlyOnce() throws Exception {
        int threads = 12;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 20; round++) {
                String name = "chunks/cc/race-" + round;
                byte[] content = TestData.random(round, 32 * 1024);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return backend.putIfAbsent(name, ByteBuffer.wrap(content));
                    }));
                }
                start.countDown();
                int created = 0;
                for (Future<Boolean> result : results) {
                    created += result.get() ? 1 : 0;
                }
                assertEquals(1, created, "round " + round + ": calls that reported creating " + name);
                assertArrayEquals(content, bytesOf(backend.get(name)), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(20, backend.list("chunks/cc/").size(), "one object per name, no temporaries listed");
    }

    @Test
    void concurrentPutsOfDistinctNamesAreAllPublished() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String name = "points/p/obj-" + i;
                byte[] content = bytesOf(bytes("object " + i));
                writes.add(() -> {
                    backend.put(name, ByteBuffer.wrap(content));
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(writes)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<ObjectInfo> listed = backend.list("points/p/");
        assertEquals(200, listed.size());
        for (ObjectInfo info : listed) {
            String i = info.name().substring("points/p/obj-".length());
            assertEquals("object " + i, string(backend.get(info.name())));
        }
    }

    /**
     * Objects of other processes come and go while a listing walks the tree (locks, deleted points, gc). An
     * object that vanishes mid-walk must not end the walk: gc marks live chunks from the listed points.
     */
    @Test
    void aListingWhileOtherObjectsComeAndGoListsEveryStableObject() throws Exception {
        for (int i = 0; i < 300; i++) {
            backend.put("points/p-" + i + "/manifest", bytes("m"));
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread churn = Thread.ofPlatform().start(() -> {
            try {
                for (long n = 0; !stop.get(); n++) {
                    String name = "points/p-" + (n % 300) + "/churn-" + (n % 7);
                    backend.put(name, bytes("c"));
                    backend.delete(name);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            for (int round = 0; round < 150; round++) {
                long manifests = backend.list("points/").stream().filter(o -> o.name().endsWith("/manifest")).count();
                assertEquals(300, manifests, "round " + round + ": a listing missed published objects");
            }
        } finally {
            stop.set(true);
            churn.join();
        }
    }

    // ---- missing objects and delete -------------------------------------------------------------

    @Test
    void getOfAMissingNameThrowsObjectNotFoundExceptionNamingIt() {
        ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class, () -> backend.get("points/x/manifest"));
        assertEquals("points/x/manifest", e.objectName());
        assertTrue(e.getMessage().contains("points/x/manifest"), e.getMessage());
        assertFalse(e.retryable(), "a missing object is a permanent failure");
    }

    @Test
    void aPrefixOfObjectsIsNotItselfAnObject() throws IOException {
        backend.put("chunks/ab/one", bytes("1"));
        assertThrows(ObjectNotFoundException.class, () -> backend.get("chunks/ab"));
        assertTrue(backend.stat("chunks").isEmpty());
        assertFalse(backend.exists("chunks/ab"));
        backend.delete("chunks/ab");
        assertEquals("1", string(backend.get("chunks/ab/one")), "deleting a prefix removes nothing");
    }

    @Test
    void deleteRemovesTheObject() throws IOException {
        backend.put("a/b", bytes("x"));
        backend.delete("a/b");
        assertThrows(ObjectNotFoundException.class, () -> backend.get("a/b"));
        assertTrue(backend.stat("a/b").isEmpty());
        assertEquals(List.of(), backend.list(""));
    }

    @Test
    void deleteOfAMissingNameSucceeds() throws IOException {
        backend.delete("never/was");
        backend.put("once", bytes("x"));
        backend.delete("once");
        backend.delete("once");
        assertFalse(backend.exists("once"));
    }

    // ---- stat and list ----------------------------------------------------------------------------

    @Test
    void statReportsSizeAndARecentModificationTime() throws IOException {
        Instant before = Instant.now();
        backend.put("chunks/12/abc", ByteBuffer.wrap(new byte[1234]));
        Instant after = Instant.now();
        ObjectInfo info = backend.stat("chunks/12/abc").orElseThrow();
        assertEquals("chunks/12/abc", info.name());
        assertEquals(1234, info.size());
        assertFalse(info.modified().isBefore(before.minus(CLOCK_SLACK)), info.modified() + " vs " + before);
        assertFalse(info.modified().isAfter(after.plus(CLOCK_SLACK)), info.modified() + " vs " + after);
        assertTrue(backend.exists("chunks/12/abc"));
    }

    @Test
    void statOfAMissingNameIsEmpty() throws IOException {
        assertTrue(backend.stat("nothing/here").isEmpty());
        assertFalse(backend.exists("nothing/here"));
    }

    @Test
    void listReturnsEveryObjectUnderThePrefixWithItsSize() throws IOException {
        backend.put("config", ByteBuffer.wrap(new byte[10]));
        backend.put("chunks/ab/1", ByteBuffer.wrap(new byte[11]));
        backend.put("chunks/ab/2", ByteBuffer.wrap(new byte[12]));
        backend.put("chunks/cd/3", ByteBuffer.wrap(new byte[13]));
        backend.put("points/p1/manifest", ByteBuffer.wrap(new byte[14]));

        assertEquals(Map.of("chunks/ab/1", 11L, "chunks/ab/2", 12L, "chunks/cd/3", 13L), sizes(backend.list("chunks/")));
        assertEquals(Map.of("chunks/ab/1", 11L, "chunks/ab/2", 12L), sizes(backend.list("chunks/ab/")));
        assertEquals(Map.of("chunks/ab/1", 11L, "chunks/ab/2", 12L), sizes(backend.list("chunks/a")),
                "a prefix may end inside a segment");
        assertEquals(5, backend.list("").size());
        assertEquals(Map.of("config", 10L), sizes(backend.list("conf")));
        for (ObjectInfo info : backend.list("")) {
            assertEquals(info.size(), backend.stat(info.name()).orElseThrow().size());
            assertEquals(backend.stat(info.name()).orElseThrow().modified(), info.modified(), info.name());
        }
    }

    @Test
    void listChildrenNamesEachNextSegmentOnceSortedAndAgreesWithList() throws IOException {
        backend.put("points/p2/manifest", bytes("m"));
        backend.put("points/p2/disk-0.fidx", bytes("i"));
        backend.put("points/p1/disk-0.fidx", bytes("i")); // a point whose manifest is not written yet
        backend.put("points/p3", bytes("odd"));
        backend.put("chunks/ab/1", bytes("c"));
        assertEquals(List.of("p1", "p2", "p3"), backend.listChildren("points/"));
        assertEquals(List.of("ab"), backend.listChildren("chunks/"));
        assertEquals(List.of(), backend.listChildren("locks/"));
    }

    @Test
    void listOfAPrefixWithNoObjectsIsEmpty() throws IOException {
        assertEquals(List.of(), backend.list(""));
        backend.put("chunks/ab/1", bytes("x"));
        assertEquals(List.of(), backend.list("points/"));
        assertEquals(List.of(), backend.list("chunks/ab/1/"));
        assertEquals(List.of(), backend.list("chunks/zz"));
    }

    // ---- names ------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"", "/a", "a/", "a//b", "A", "Chunks/x", "a b", "a\tb", "../a", "a/../b", "a/..", "..",
            ".a", "a/.", "a/./b", "./a", "a~tmp~1", "a\\b", "é", "a:b", "a*"})
    void invalidNamesAreRefusedByEveryMethod(String name) throws IOException {
        assertThrows(IllegalArgumentException.class, () -> backend.put(name, bytes("x")), "put");
        assertThrows(IllegalArgumentException.class, () -> backend.putIfAbsent(name, bytes("x")), "putIfAbsent");
        assertThrows(IllegalArgumentException.class, () -> backend.get(name), "get");
        assertThrows(IllegalArgumentException.class, () -> backend.stat(name), "stat");
        assertThrows(IllegalArgumentException.class, () -> backend.delete(name), "delete");
        assertEquals(List.of(), backend.list(""), "nothing was written");
    }

    @ParameterizedTest
    @ValueSource(strings = {"config", "a", "0", "chunks/ab/0123456789abcdef", "points/20260101-000000-0a1b2c3d/disk-0.fidx",
            "locks/shared-6f1c2a8e-0b6e-4f0e-8a53-1f2b3c4d5e6f", "a.b_c-d", "x/y/z/w"})
    void validNamesRoundTrip(String name) throws IOException {
        backend.put(name, bytes(name));
        assertEquals(name, string(backend.get(name)));
        assertEquals(List.of(name), names(backend.list("")));
    }

    // ---- sync and abandoned uploads ------------------------------------------------------------

    @Test
    void syncSucceedsWithAndWithoutObjects() throws IOException {
        backend.sync();
        backend.put("a", bytes("x"));
        backend.sync();
        assertEquals("x", string(backend.get("a")));
    }

    @Test
    void removeAbandonedUploadsNeverRemovesPublishedObjects() throws IOException {
        Instant longAgo = Instant.now().minus(Duration.ofDays(30));
        putModifiedAt("chunks/00/old", bytesOf(bytes("old")), longAgo);
        backend.put("chunks/00/new", bytes("new"));
        assertEquals(0, backend.removeAbandonedUploads(Instant.now().plus(Duration.ofDays(1))));
        assertEquals("old", string(backend.get("chunks/00/old")));
        assertEquals("new", string(backend.get("chunks/00/new")));
    }

    @Test
    void putModifiedAtBackdatesTheObject() throws IOException {
        Instant longAgo = Instant.parse("2025-03-01T12:00:00Z");
        putModifiedAt("chunks/00/old", bytesOf(bytes("old")), longAgo);
        Instant modified = backend.stat("chunks/00/old").orElseThrow().modified();
        assertTrue(Duration.between(longAgo, modified).abs().compareTo(Duration.ofSeconds(2)) < 0, modified.toString());
    }

    @Test
    void describeIsNotEmpty() {
        assertFalse(backend.describe().isBlank());
    }

    // ---- helpers ---------------------------------------------------------------------------------

    protected static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    protected static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    protected static String string(ByteBuffer buffer) {
        return new String(bytesOf(buffer), StandardCharsets.UTF_8);
    }

    protected static List<String> names(List<ObjectInfo> infos) {
        return infos.stream().map(ObjectInfo::name).sorted().toList();
    }

    private static Map<String, Long> sizes(List<ObjectInfo> infos) {
        return infos.stream().collect(Collectors.toMap(ObjectInfo::name, ObjectInfo::size));
    }
}
