package coffer.server;

import coffer.engine.vault.LocalVaults;
import coffer.engine.vault.VaultLocation;
import coffer.engine.vault.VaultState;
import coffer.server.config.ServerConfig;
import coffer.testing.Await;
import coffer.testing.MutableClock;
import coffer.testing.S3Server;
import coffer.testing.StallingProxy;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.backend.s3.S3Location;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's looks at its vaults (docs/reliability.md, session 22), against the S3 test server, a
 * {@link StallingProxy} and a directory vault whose config object is a named pipe (a read that blocks in the kernel
 * and ignores interrupts, as on a hung local file system): an S3 vault in use is not asked again by the periodic check,
 * a vault that stays unavailable is looked at less and less often up to {@link VaultChecks#LONGEST}, and repeated
 * looks at a hung vault keep one thread (daemon, named after the vault, counted), not one each.
 */
class VaultLooksIT {
    private static final Duration LIMIT = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    @Test
    void aVaultInUseIsNotAskedByTheCheckAndAnUnavailableOneIsAskedLessAndLessOften() throws Exception {
        S3Server s3 = S3Server.shared();
        String bucket = "coffer-s3ops22-checks-" + ProcessHandle.current().pid();
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T11:00:00Z"));
        try (StallingProxy proxy = StallingProxy.to(s3.endpoint())) {
            proxy.refuse(); // west's store is gone from the start (a vault that answered within the minute is not asked)
            List<ServerConfig.VaultEntry> entries = List.of(
                    new ServerConfig.VaultEntry("default", dir.resolve("vault"), dir.resolve("keyring"), true),
                    new ServerConfig.VaultEntry("east", new VaultLocation.Bucket(new S3Location(bucket, "east"),
                            s3.settings()), dir.resolve("keyring"), true, "east"),
                    new ServerConfig.VaultEntry("west", new VaultLocation.Bucket(new S3Location(bucket, "west"),
                            s3.settings().withEndpoint(proxy.endpoint(), true)), dir.resolve("keyring"), true, "west"));
            try (LocalVaults vaults = ServerVaults.openOrCreate(entries, clock, ServerVaults.START_PATIENCE,
                    new Bounded())) {
                VaultChecks checks = new VaultChecks(vaults, ServerVaults.START_PATIENCE, new Bounded(), clock);
                checks.checkAll(); // opens them
                java.util.Set<Instant> westLooks = new java.util.LinkedHashSet<>();
                westLooks.add(vaults.state("west").checkedAt());
                assertTrue(vaults.state("east").isAvailable(), vaults.state("east").toString());
                S3Backend east = (S3Backend) vaults.open("east").backend();

                // a job uses the vault: the check a minute later sends nothing
                vaults.open("east").points();
                long heads = east.requestCounts().getOrDefault("HeadObject", 0L);
                clock.advance(VaultChecks.PERIOD.plusSeconds(1));
                checks.checkAll();
                westLooks.add(vaults.state("west").checkedAt());
                assertEquals(heads, east.requestCounts().getOrDefault("HeadObject", 0L),
                        "a vault whose store answered a job within the period is not asked again: " + east.requestCounts());
                assertTrue(vaults.state("east").isAvailable());
                assertEquals(clock.instant(), vaults.state("east").checkedAt(), "its use counts as the look");

                // west's store is gone: looked at after 1, 2, 4, then every 5 minutes
                assertEquals("unavailable", vaults.state("west").state(), vaults.state("west").toString());
                for (int minute = 2; minute <= 20; minute++) {
                    clock.advance(VaultChecks.PERIOD);
                    checks.checkAll();
                    westLooks.add(vaults.state("west").checkedAt());
                }
                Instant first = westLooks.iterator().next();
                List<Long> minutes = westLooks.stream().skip(1)
                        .map(at -> Duration.between(first, at).toMinutes()).toList();
                assertEquals(List.of(1L, 3L, 7L, 12L, 17L), minutes, "looks after the first, in minutes");
                assertEquals(Duration.ofMinutes(5), VaultChecks.backOff(100), "the bound on seeing it answer again");

                // it answers again: the next due look sees it
                proxy.resume();
                clock.advance(VaultChecks.LONGEST);
                checks.checkAll();
                assertTrue(vaults.state("west").isAvailable(), vaults.state("west").toString());
            }
        }
    }

    @Test
    void repeatedLooksAtAVaultWhoseFileSystemHangsKeepOneThread() throws Exception {
        Path vaultDir = dir.resolve("hung");
        Files.createDirectories(vaultDir);
        Path config = vaultDir.resolve("config");
        Process mkfifo = new ProcessBuilder("mkfifo", config.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T11:00:00Z"));
        try (LocalVaults vaults = new LocalVaults(Map.of("hung", new LocalVaults.Location(vaultDir,
                dir.resolve("keyring"))), "hung", clock)) {
            try {
                lookFourTimes(vaults, clock, config);
            } finally {
                boolean stuck = Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive()
                        && (t.getName().startsWith("coffer-storage-look-hung") || t.getName().equals("coffer-bounded-call")));
                if (stuck) {
                    new FileOutputStream(config.toFile()).close(); // a failed run leaves no read waiting on the pipe
                }
            }
        }
    }

    private static void lookFourTimes(LocalVaults vaults, MutableClock clock, Path config) throws Exception {
        {
            Bounded looks = new Bounded();
            VaultChecks checks = new VaultChecks(vaults, Duration.ofSeconds(1), looks, clock);
            for (int round = 0; round < 4; round++) {
                checks.checkAll();
                assertEquals("unavailable", vaults.state("hung").state(), vaults.state("hung").toString());
                clock.advance(VaultChecks.LONGEST);
            }
            List<Thread> stuck = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("coffer-storage-look-hung") || t.getName().equals("coffer-bounded-call"))
                    .toList();
            assertEquals(1, stuck.size(), "one look at the hung vault at a time: " + stuck);
            assertTrue(stuck.getFirst().isDaemon());
            assertEquals("coffer-storage-look-hung", stuck.getFirst().getName());
            assertEquals(1, looks.leftRunning(), "the look left running is counted");
            assertTrue(vaults.state("hung").problem().contains("vault 'hung'"), vaults.state("hung").problem());

            new FileOutputStream(config.toFile()).close(); // the file system answers: the stuck read ends (at its end)
            Await.until(() -> looks.leftRunning() == 0 && !stuck.getFirst().isAlive(), LIMIT,
                    "the look left running ends once its read does");
            assertFalse(stuck.getFirst().isAlive());
        }
    }
}
