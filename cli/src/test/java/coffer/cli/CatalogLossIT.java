package coffer.cli;

import coffer.engine.json.CofferJson;
import coffer.vault.fs.FileTree;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A point lost whole (here: all of {@code points/} removed) leaves no trace the vault alone could notice; the
 * server's catalog still lists it. {@code vault verify} with the server configured reports it (exit 3), and
 * {@code catalog rebuild} names what it could not restore. The server runs in-process on SQLite with libvirt's
 * test driver as its host (no domain is needed: the points are written through the vault API; {@link TwoPointServer}).
 */
class CatalogLossIT {
    @TempDir Path dir;

    @Test
    void pointsTheVaultLostAreReportedByVerifyAndByCatalogRebuild() throws Exception {
        try (TwoPointServer served = TwoPointServer.start(dir)) {
            List<String> ids = served.ids;
            CliRun rebuilt = served.cli("catalog", "rebuild").ok();
            assertTrue(rebuilt.out().contains("Vault default: 2 point(s) rebuilt"), rebuilt.out());
            served.verify().ok();

            FileTree.delete(served.vaultDir.resolve("points"));
            CliRun verify = served.verify();
            assertEquals(3, verify.exit(), verify.out() + verify.err());
            for (String id : ids) {
                assertTrue(verify.out().contains("DAMAGED point " + id + " (points/" + id + "/manifest): the server's catalog"
                        + " lists this point of web"), verify.out());
            }
            CliRun offline = CliRun.run(served.keyRing, "vault", "verify", "--vault", served.vaultDir.toString());
            assertEquals(0, offline.exit(), "without the catalog the vault alone cannot tell: " + offline.out());

            CliRun lost = served.cli("catalog", "rebuild");
            assertEquals(3, lost.exit(), lost.out() + lost.err());
            for (String id : ids) {
                assertTrue(lost.out().contains("NOT RESTORED: point " + id + ": the catalog listed it, the vault holds"
                        + " nothing of it"), lost.out());
            }
            JsonNode points = CofferJson.MAPPER.readTree(served.cli("point", "list", "--output", "json").ok().out());
            assertEquals(0, points.path("points").size(), "their rows are gone once reported: " + points);
        }
    }
}
