package coffer.cli;

import coffer.engine.json.CofferJson;
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
 * host (the points are written through the vault API; {@link TwoPointServer}).
 */
class ReappearedPointCliIT {
    @TempDir Path dir;

    @Test
    void aDeletedPointPutBackIsNamedByCatalogRebuildAndAdoptedOnlyWithReadopt() throws Exception {
        try (TwoPointServer served = TwoPointServer.start(dir)) {
            List<String> ids = served.ids;
            served.cli("catalog", "rebuild").ok();
            String deleted = ids.getFirst();

            Map<Path, byte[]> copy = new HashMap<>();
            try (var files = Files.walk(served.vaultDir.resolve("points").resolve(deleted))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    copy.put(file, Files.readAllBytes(file));
                }
            }
            served.cli("point", "delete", deleted).ok();
            for (Map.Entry<Path, byte[]> file : copy.entrySet()) {
                Files.createDirectories(file.getKey().getParent());
                Files.write(file.getKey(), file.getValue());
            }

            CliRun refused = served.cli("catalog", "rebuild");
            assertEquals(3, refused.exit(), refused.out() + refused.err());
            assertTrue(refused.out().contains("Vault default: 1 point(s) rebuilt"), refused.out());
            assertTrue(refused.out().contains("NOT RESTORED: point " + deleted + ": the catalog deleted it and it is in"
                    + " the vault again (put back by someone with the storage?); adopt it only on purpose: 'coffer"
                    + " catalog rebuild --readopt " + deleted + "'"), refused.out());
            assertEquals(List.of(ids.get(1)), listed(served));

            CliRun readopted = served.cli("catalog", "rebuild", "--readopt", deleted).ok();
            assertTrue(readopted.out().contains("Vault default: 2 point(s) rebuilt"), readopted.out());
            assertEquals(ids.reversed(), listed(served));
        }
    }

    private static List<String> listed(TwoPointServer served) throws Exception {
        JsonNode points = CofferJson.MAPPER.readTree(served.cli("point", "list", "--output", "json").ok().out());
        List<String> ids = new ArrayList<>();
        points.path("points").forEach(p -> ids.add(p.path("id").asText()));
        return ids;
    }
}
