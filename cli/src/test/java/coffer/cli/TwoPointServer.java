package coffer.cli;

import coffer.engine.catalog.TestDatabase;
import coffer.engine.instance.PointFacts;
import coffer.engine.vault.VaultOpener;
import coffer.server.CofferServer;
import coffer.server.config.ServerConfig;
import coffer.testing.ByteArrayBlockSource;
import coffer.testing.Environment;
import coffer.testing.TestData;
import coffer.vault.Vault;
import coffer.vault.io.Progress;
import coffer.vault.write.PointWriter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The set-up CatalogLossIT and ReappearedPointCliIT share: a server in this JVM on SQLite with one encrypted vault
 * ({@code dir/data/vault}) and libvirt's test driver as its host (no domain is needed), the vault holding two points of
 * one instance ("web") written through the vault API, and the command line pointed at the server with the admin token.
 * {@link #close} stops the server and closes the database.
 */
final class TwoPointServer implements AutoCloseable {
    private final Path dir;
    private final TestDatabase db;
    private final CofferServer server;
    private final List<String> client;
    /** The vault's directory and its key ring. */
    final Path vaultDir;
    final Path keyRing;
    /** The two points' ids, oldest first. */
    final List<String> ids;

    private TwoPointServer(Path dir, TestDatabase db, CofferServer server, ServerConfig config, List<String> ids) {
        this.dir = dir;
        this.db = db;
        this.server = server;
        this.vaultDir = config.dataDir().resolve("vault");
        this.keyRing = config.dataDir().resolve("keyring");
        this.ids = ids;
        this.client = List.of("--url", server.url(), "--token-file", config.adminTokenFile().toString());
    }

    /** Starts the server with its data in {@code dir/data} and writes the two points (skipped without libvirt's library). */
    static TwoPointServer start(Path dir) throws Exception {
        Environment.need(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libvirt.so.0")) || Environment.which("virsh") != null,
                "libvirt's library");
        Path dataDir = dir.resolve("data");
        TestDatabase db = TestDatabase.sqlite(dir);
        CofferServer server = null;
        try {
            ServerConfig config = config(dataDir, db);
            server = CofferServer.start(config);
            return new TwoPointServer(dir, db, server, config, twoPoints(config.dataDir().resolve("keyring"),
                    config.dataDir().resolve("vault")));
        } catch (Exception | Error e) {
            if (server != null) {
                server.close();
            }
            db.close();
            throw e;
        }
    }

    /** An in-process server on SQLite with one encrypted vault, {@code <dataDir>/vault}, and libvirt's test driver. */
    private static ServerConfig config(Path dataDir, TestDatabase db) {
        return new ServerConfig(dataDir, "127.0.0.1", 0, null, db.config(),
                List.of(new ServerConfig.VaultEntry("default", dataDir.resolve("vault"), dataDir.resolve("keyring"), true)),
                List.of(new ServerConfig.HostEntry("test", "test:///default")), ServerConfig.Limits.DEFAULT);
    }

    /** Two points of one instance ("web", on the test driver), written through the vault API; their ids, oldest first. */
    private static List<String> twoPoints(Path keyRing, Path vaultDir) throws Exception {
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

    /** {@code coffer ARGS --url … --token-file …} (no key ring of its own). */
    CliRun cli(String... args) {
        return CliRun.run(dir.resolve("unused-keyring.json"), withClient(args));
    }

    /** {@code coffer vault verify --vault … --keyring …}: opens the vault here and asks the server for its catalog. */
    CliRun verify() {
        return CliRun.run(keyRing, withClient("vault", "verify", "--vault", vaultDir.toString(), "--keyring", keyRing.toString()));
    }

    private String[] withClient(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(client);
        return all.toArray(String[]::new);
    }

    @Override
    public void close() throws Exception {
        try (db; server) {
            // the server stopped, then the database closed
        }
    }
}
