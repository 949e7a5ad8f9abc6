package coffer.cli;

import coffer.engine.catalog.TestDatabase;
import coffer.engine.instance.PointFacts;
import coffer.engine.json.CofferJson;
import coffer.engine.vault.VaultOpener;
import coffer.server.CofferServer;
import coffer.server.config.ServerConfig;
import coffer.testing.ByteArrayBlockSource;
import coffer.testing.Environment;
import coffer.testing.TestData;
import coffer.vault.Vault;
import coffer.vault.fs.FileTree;
import coffer.vault.io.Progress;
import coffer.vault.write.PointWriter;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A point lost whole (here: all of {@code points/} removed) leaves no trace the vault alone could notice; the
 * server's catalog still lists it. {@code vault verify} with the server configured reports it (exit 3), and
 * {@code catalog rebuild} names what it could not restore. The server runs in-process on SQLite with libvirt's
 * test driver as its host (no domain is needed: the points are written through the vault API).
 */
class CatalogLossIT {
    @TempDir Path dir;

    @Test
    void pointsTheVaultLostAreReportedByVerifyAndByCatalogRebuild() throws Exception {
        Environment.need(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libvirt.so.0")) || Environment.which("virsh") != null,
                "libvirt's library");
        Path dataDir = dir.resolve("data");
        Path vaultDir = dataDir.resolve("vault");
        Path keyRing = dataDir.resolve("keyring");
        try (TestDatabase db = TestDatabase.sqlite(dir)) {
            ServerConfig config = config(dataDir, db);
            try (CofferServer server = CofferServer.start(config)) {
                List<String> ids = twoPoints(keyRing, vaultDir);
                List<String> client = List.of("--url", server.url(), "--token-file", config.adminTokenFile().toString());
                CliRun rebuilt = cli(client, "catalog", "rebuild").ok();
                assertTrue(rebuilt.out().contains("Vault default: 2 point(s) rebuilt"), rebuilt.out());
                verify(client, keyRing, vaultDir).ok();

                FileTree.delete(vaultDir.resolve("points"));
                CliRun verify = verify(client, keyRing, vaultDir);
                assertEquals(3, verify.exit(), verify.out() + verify.err());
                for (String id : ids) {
                    assertTrue(verify.out().contains("DAMAGED point " + id + " (points/" + id + "/manifest): the server's catalog"
                            + " lists this point of web"), verify.out());
                }
                CliRun offline = CliRun.run(keyRing, "vault", "verify", "--vault", vaultDir.toString());
                assertEquals(0, offline.exit(), "without the catalog the vault alone cannot tell: " + offline.out());

                CliRun lost = cli(client, "catalog", "rebuild");
                assertEquals(3, lost.exit(), lost.out() + lost.err());
                for (String id : ids) {
                    assertTrue(lost.out().contains("NOT RESTORED: point " + id + ": the catalog listed it, the vault holds"
                            + " nothing of it"), lost.out());
                }
                JsonNode points = CofferJson.MAPPER.readTree(cli(client, "point", "list", "--output", "json").ok().out());
                assertEquals(0, points.path("points").size(), "their rows are gone once reported: " + points);
            }
        }
    }

    /** An in-process server on SQLite with one encrypted vault, {@code <dataDir>/vault}, and libvirt's test driver. */
    static ServerConfig config(Path dataDir, TestDatabase db) {
        return new ServerConfig(dataDir, "127.0.0.1", 0, null, db.config(),
                List.of(new ServerConfig.VaultEntry("default", dataDir.resolve("vault"), dataDir.resolve("keyring"), true)),
                List.of(new ServerConfig.HostEntry("test", "test:///default")), ServerConfig.Limits.DEFAULT);
    }

    /** Two points of one instance ("web", on the test driver), written through the vault API; their ids, oldest first. */
    static List<String> twoPoints(Path keyRing, Path vaultDir) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Vault vault = new VaultOpener(keyRing).open(vaultDir)) {
            String uuid = UUID.randomUUID().toString();
            for (int i = 0; i < 2; i++) {
                try (PointWriter writer = PointWriter.begin(vault, "web", Instant.now().plusSeconds(i), 1)) {
                    writer.writeDisk("vda", ByteArrayBlockSource.of(TestData.random(i, 1 << 20)), "raw", null,
                            Progress.NONE);
                    ids.add(writer.commit("CRASH", null, List.of(), new PointFacts(PointFacts.VERSION,
                            new PointFacts.Instance(uuid, "test:///default", null), null, null, null, null, null,
                            null, null).json()).id());
                }
            }
        }
        return ids;
    }

    private static CliRun verify(List<String> client, Path keyRing, Path vaultDir) {
        // verify opens the vault here (--keyring) and asks the server (--url) for its catalog
        List<String> all = new ArrayList<>(List.of("vault", "verify", "--vault", vaultDir.toString(), "--keyring",
                keyRing.toString()));
        all.addAll(client);
        return CliRun.run(keyRing, all.toArray(String[]::new));
    }

    private CliRun cli(List<String> client, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(client);
        return CliRun.run(dir.resolve("unused-keyring.json"), all.toArray(String[]::new));
    }
}
