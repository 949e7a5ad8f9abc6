package coffer.engine.live;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.testing.DiskWithFiles;
import coffer.testing.MutableClock;
import coffer.testing.TestVault;
import coffer.testing.VaultFlavour;
import coffer.vault.PointManifest;
import coffer.virt.image.DiskImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Browsing sessions kept between requests: later requests on the same disk reuse the booted appliance (one boot,
 * counted through the opener; first and later latencies printed); a bad path keeps the session; a cancelled request,
 * the idle time and closing the pool each close it, release the point's lease and remove the runtime directory.
 */
class BrowseSessionsIT {
    @TempDir static Path dir;
    static TestVault vault;
    static PointManifest point;

    @BeforeAll
    static void backUp() throws Exception {
        DiskWithFiles.requireTools();
        Path tree = Files.createDirectories(dir.resolve("tree/dir"));
        Files.writeString(tree.resolve("note.txt"), "hello\n");
        Path image = DiskWithFiles.ext4(dir.resolve("tree"), dir.resolve("fs.raw"), "16M");
        vault = VaultFlavour.LOCAL.create(dir);
        point = vault.backup("fs", DiskImages.openSource(image, "raw", false), null);
    }

    @AfterAll
    static void close() throws Exception {
        if (vault != null) {
            vault.close();
        }
    }

    @Test
    void laterRequestsReuseTheSessionWhichClosesOnCancelIdleAndStop() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        AtomicInteger boots = new AtomicInteger();
        Path runtime = dir.resolve("run");
        BrowseSessions.Opener counting = (v, p, d, root) -> {
            boots.incrementAndGet();
            return BrowseSessions.Opener.DEFAULT.open(v, p, d, root);
        };
        BrowseSessions sessions = new BrowseSessions(new BrowseSessions.Limits(Duration.ofMinutes(2), 2), runtime, counting,
                clock);
        try {
            long t0 = System.nanoTime();
            List<String> root = names(sessions, "/");
            long first = System.nanoTime() - t0;
            t0 = System.nanoTime();
            List<String> sub = names(sessions, "/dir");
            long later = System.nanoTime() - t0;
            System.out.printf("BrowseSessionsIT: first listing %d ms (appliance boot), later listing %d ms%n",
                    first / 1_000_000, later / 1_000_000);
            assertEquals(List.of("dir", "lost+found"), root);
            assertEquals(List.of("note.txt"), sub);
            assertEquals(1, boots.get(), "the second request reuses the session");
            assertEquals(1, sessions.sessions().size());
            assertEquals(2, sessions.sessions().getFirst().uses());
            assertEquals(1, vault.vault().leases().live(point.id()).size(), "the open session holds the point's lease");

            CofferException missing = assertThrows(CofferException.class, () -> names(sessions, "/no-such-dir"));
            assertEquals(ErrorCode.GuestPathNotFound, missing.code());
            assertEquals(List.of("note.txt"), names(sessions, "/dir"));
            assertEquals(1, boots.get(), "a bad path leaves the session usable");

            CofferException cancelled = assertThrows(CofferException.class, () -> sessions.mounted(vault.vault(), "v",
                    point.id(), "vda", null, files -> {
                        Thread.currentThread().interrupt();
                        return files.list("/");
                    }));
            Thread.interrupted();
            assertEquals(ErrorCode.Cancelled, cancelled.code());
            assertEquals(List.of(), sessions.sessions(), "a cancelled request closes its session");
            assertEquals(List.of(), vault.vault().leases().live(point.id()), "and releases the lease");
            assertTrue(empty(runtime.resolve("files")), "and removes the runtime directory");

            assertEquals(List.of("dir", "lost+found"), names(sessions, "/"));
            assertEquals(2, boots.get(), "a new session after the cancelled one");
            clock.advance(Duration.ofMinutes(1));
            sessions.closeIdle();
            assertEquals(1, sessions.sessions().size(), "not idle long enough yet");
            clock.advance(Duration.ofMinutes(2));
            sessions.closeIdle();
            assertEquals(List.of(), sessions.sessions(), "closed after the idle time");
            assertEquals(List.of(), vault.vault().leases().live(point.id()));
            assertTrue(empty(runtime.resolve("files")));

            assertEquals(List.of("dir", "lost+found"), names(sessions, "/"));
            assertEquals(3, boots.get());
        } finally {
            sessions.close();
        }
        assertEquals(List.of(), vault.vault().leases().live(point.id()), "closing the pool closes its sessions");
        assertTrue(empty(runtime.resolve("files")));
        assertEquals(ErrorCode.Cancelled, assertThrows(CofferException.class, () -> names(sessions, "/")).code(),
                "a closed pool refuses requests");
    }

    private static List<String> names(BrowseSessions sessions, String path) {
        return sessions.mounted(vault.vault(), "v", point.id(), "vda", null,
                files -> files.list(path).stream().map(PointFiles.Entry::name).toList());
    }

    private static boolean empty(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isEmpty();
        }
    }
}
