package coffer.server;

import coffer.engine.catalog.TestDatabase;
import coffer.engine.vault.VaultLocation;
import coffer.server.config.ServerConfig;
import coffer.testing.S3Server;
import coffer.testing.StallingProxy;
import coffer.vault.backend.s3.S3Location;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server whose S3 vaults' stores hang (docs/reliability.md, session 22): four vaults behind one {@link StallingProxy}
 * that accepts connections and answers nothing. Before, the start waited {@link ServerVaults#START_PATIENCE} for each
 * of them one after another (40 s here), and a job that needed one waited the stall limit of every attempt (2 minutes
 * each) before it failed. Now the start asks them in parallel (about 10 s in all), and the job fails within seconds
 * with {@code StorageFailure} naming the vault, the store's address and what to do; once the store answers, the same
 * job succeeds without a restart. Buckets carry the branch's name.
 */
class HungS3VaultsIT {
    private static final int VAULTS = 4;

    @TempDir
    Path dir;

    @Test
    void aStartWaitsOnceForAllHungStoresAndAJobFailsFastNamingTheVaultThenSucceedsOnceTheStoreAnswers() throws Exception {
        S3Server s3 = S3Server.shared();
        String bucket = "coffer-s3ops22-hung-" + ProcessHandle.current().pid();
        try (StallingProxy proxy = StallingProxy.to(s3.endpoint());
             TestDatabase database = TestDatabase.sqlite(dir)) {
            proxy.stall();
            Path data = dir.resolve("data");
            List<ServerConfig.VaultEntry> entries = new ArrayList<>();
            entries.add(new ServerConfig.VaultEntry("default", data.resolve("vault"), data.resolve("keyring"), true));
            for (int i = 1; i <= VAULTS; i++) {
                entries.add(new ServerConfig.VaultEntry("east-" + i, new VaultLocation.Bucket(
                        new S3Location(bucket, "east-" + i), s3.settings().withEndpoint(proxy.endpoint(), true)),
                        data.resolve("keyring"), true, "east"));
            }
            ServerConfig config = new ServerConfig(data, "127.0.0.1", 0, null, database.config(), entries,
                    List.of(new ServerConfig.HostEntry("local", "qemu:///system")), ServerConfig.Limits.DEFAULT);
            long started = System.nanoTime();
            try (var vaults = ServerVaults.openOrCreate(entries, java.time.Clock.systemUTC())) {
                double startSeconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("HungS3VaultsIT: the start's look at %d hung S3 vaults took %.2f s%n", VAULTS,
                        startSeconds);
                assertTrue(startSeconds < (VAULTS - 1) * ServerVaults.START_PATIENCE.toSeconds(),
                        "the start waits about once for all hung stores, not once each: " + startSeconds + " s");
                for (int i = 1; i <= VAULTS; i++) {
                    assertEquals("unavailable", vaults.state("east-" + i).state());
                }
            }
            try (TestServer server = TestServer.start(config)) {
                for (int i = 1; i <= VAULTS; i++) {
                    assertEquals("unavailable", vault(server, "east-" + i).path("state").asText());
                }

                long asked = System.nanoTime();
                JsonNode failed = job(server, "east-2");
                double jobSeconds = (System.nanoTime() - asked) / 1e9;
                System.out.printf("HungS3VaultsIT: a verify of a hung vault failed %.2f s after it was asked: %s%n",
                        jobSeconds, failed.path("error").path("message").asText());
                assertEquals("failed", failed.path("state").asText(), failed.toString());
                assertTrue(jobSeconds < 30, "failed within seconds, not the stall limit (2 minutes) per attempt: "
                        + jobSeconds + " s");
                assertEquals("StorageFailure", failed.path("error").path("code").asText(), failed.toString());
                String message = failed.path("error").path("message").asText();
                assertTrue(message.contains("vault 'east-2' of region east is unavailable")
                        && message.contains(proxy.endpoint().toString()) && message.contains("s3://" + bucket + "/east-2")
                        && message.contains("check that the store is running"), message);
                assertFalse(message.contains(S3Server.SECRET_ACCESS_KEY), message);

                proxy.resume();
                JsonNode verified = job(server, "east-2");
                assertEquals("succeeded", verified.path("state").asText(), verified.toString());
                assertEquals("available", vault(server, "east-2").path("state").asText());
            }
        }
    }

    private static JsonNode vault(TestServer server, String name) throws Exception {
        return UnavailableS3VaultAtStartIT.vault(server, name);
    }

    /** A full verify of the vault, awaited to its end (within two minutes); the ended job. */
    private static JsonNode job(TestServer server, String vault) throws Exception {
        return UnavailableS3VaultAtStartIT.job(server, vault);
    }
}
