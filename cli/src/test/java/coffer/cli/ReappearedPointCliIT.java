package coffer.cli;

import coffer.engine.catalog.TestDatabase;
import coffer.engine.json.CofferJson;
import coffer.server.CofferServer;
import coffer.server.config.ServerConfig;
import coffer.testing.Environment;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A point deleted through the server and put back whole by someone with the storage (docs/design/security.md,
 * "Rollback and replay"): {@code catalog rebuild} does not adopt it, names it and exits 3; {@code catalog rebuild
 * --readopt ID} adopts it on the operator's word. The server runs in-process on SQLite with libvirt's test driver as its
 * host (the points are written through the vault API).
 */
class ReappearedPointCliIT {
    @TempDir Path dir;

    @Test
    void aDeletedPointPutBackIsNamedByCatalogRebuildAndAdoptedOnlyWithReadopt() throws Exception {
        Environment.need(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libvirt.so.0")) || Environment.which("virsh") != null,
                "libvirt's library");
        Path dataDir = dir.resolve("data");
        Path vaultDir = dataDir.resolve("vault");
        Path keyRing = dataDir.resolve("keyring");
        try (TestDatabase db = TestDatabase.sqlite(dir)) {
            ServerConfig config = CatalogLossIT.config(dataDir, db);
            try (CofferServer server = CofferServer.start(config)) {
                List<String> ids = CatalogLossIT.twoPoints(keyRing, vaultDir);
                List<String> client = List.of("--url", server.url(), "--token-file", config.adminTokenFile().toString());
                cli(client, "catalog", "rebuild").ok();
                String deleted = ids.getFirst();

                Map<Path, byte[]> copy = new HashMap<>();
                try (var files = Files.walk(vaultDir.resolve("points").resolve(deleted))) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        copy.put(file, Files.readAllBytes(file));
                    }
                }
                cli(client, "point", "delete", deleted).ok();
                for (Map.Entry<Path, byte[]> file : copy.entrySet()) {
                    Files.createDirectories(file.getKey().getParent());
                    Files.write(file.getKey(), file.getValue());
                }

                CliRun refused = cli(client, "catalog", "rebuild");
                assertEquals(3, refused.exit(), refused.out() + refused.err());
                assertTrue(refused.out().contains("Vault default: 1 point(s) rebuilt"), refused.out());
                assertTrue(refused.out().contains("NOT RESTORED: point " + deleted + ": the catalog deleted it and it is in"
                        + " the vault again (put back by someone with the storage?); adopt it only on purpose: 'coffer"
                        + " catalog rebuild --readopt " + deleted + "'"), refused.out());
                assertEquals(List.of(ids.get(1)), listed(client));

                CliRun readopted = cli(client, "catalog", "rebuild", "--readopt", deleted).ok();
                assertTrue(readopted.out().contains("Vault default: 2 point(s) rebuilt"), readopted.out());
                assertEquals(ids.reversed(), listed(client));
            }
        }
    }

    private List<String> listed(List<String> client) throws Exception {
        JsonNode points = CofferJson.MAPPER.readTree(cli(client, "point", "list", "--output", "json").ok().out());
        List<String> ids = new ArrayList<>();
        points.path("points").forEach(p -> ids.add(p.path("id").asText()));
        return ids;
    }

    private CliRun cli(List<String> client, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(client);
        return CliRun.run(dir.resolve("unused-keyring.json"), all.toArray(String[]::new));
    }
}
