package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogRebuild;
import coffer.engine.catalog.DeletedPoints;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.instance.PointFacts;
import coffer.engine.vault.OneVault;
import coffer.engine.vault.VaultDirectory;
import coffer.testing.MutableClock;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What someone with the storage but not the key can put back from earlier, caught by what the server's catalog remembers
 * (V28; docs/design/security.md, "Rollback and replay"). On SQLite here, on PostgreSQL in the subclass.
 *
 * <p>A point Coffer deleted through the catalog (a person's delete, retention) put back whole by someone with the storage
 * (docs/design/security.md, "Rollback and replay"): its manifest and indexes open as they did, so before session 22 a
 * catalog rebuild (and the adoption of a lost job's point) made it a recovery point again. The catalog remembers the
 * deletion (V28): the rebuild reports it as reappeared and gives it no row, the adoption refuses it, and only an
 * operator's re-adoption by id brings it back.
 *
 * <p>A hold put back from before an extension: the vault would let an offline delete through at the earlier time; the
 * retention sweep finds it shorter than the hold the catalog wrote, writes it again and reports it.
 */
class RollbackAgainstCatalogTest {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");

    @TempDir Path dir;
    WebInstanceVault web;
    Catalog catalog;
    Vault vault;
    MutableClock clock = new MutableClock(T0);
    PointLifecycle lifecycle;
    RetentionSweep sweep;

    protected TestDatabase database() throws Exception {
        return TestDatabase.sqlite(dir);
    }

    @BeforeEach
    void open() throws Exception {
        web = WebInstanceVault.open(database(), dir, clock);
        catalog = web.catalog;
        vault = web.vault;
        VaultDirectory vaults = new OneVault("default", vault);
        lifecycle = new PointLifecycle(catalog, vaults, clock);
        sweep = new RetentionSweep(catalog, vaults, clock);
    }

    @AfterEach
    void close() throws Exception {
        if (web != null) {
            web.close();
        }
    }

    @Test
    void aDeletedPointPutBackIsNotAdoptedAgainUnlessAnOperatorSaysSo() throws Exception {
        String kept = point(T0);
        String deleted = point(T0.plus(Duration.ofHours(1)));
        CatalogRebuild rebuild = new CatalogRebuild(catalog);
        assertTrue(rebuild.rebuild("default", vault).whole());
        assertEquals(Set.of(kept, deleted), rows());

        // the adversary keeps a copy of the point's objects, Coffer deletes the point, the adversary puts them back
        Path pointDir = dir.resolve("vault/points/" + deleted);
        Map<Path, byte[]> copy = new HashMap<>();
        try (var files = Files.walk(pointDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                copy.put(file, Files.readAllBytes(file));
            }
        }
        assertFalse(copy.isEmpty());
        clock.set(T0.plus(Duration.ofDays(1)));
        lifecycle.delete(deleted);
        assertEquals(Set.of(kept), rows());
        DeletedPoints.Deleted recorded = catalog.deletedPoints().find(deleted).orElseThrow();
        assertEquals("default", recorded.vault());
        assertEquals(T0.plus(Duration.ofDays(1)), recorded.deletedAt());
        assertTrue(recorded.refused());
        for (Map.Entry<Path, byte[]> file : copy.entrySet()) {
            Files.createDirectories(file.getKey().getParent());
            Files.write(file.getKey(), file.getValue());
        }
        PointManifest back = vault.point(deleted);
        assertEquals(deleted, back.id(), "the objects put back open as they did: the vault cannot tell");

        CatalogRebuild.Counts counts = rebuild.rebuild("default", vault);
        assertEquals(List.of(deleted), counts.reappeared());
        assertEquals(1, counts.points());
        assertFalse(counts.whole(), "a rebuild that refused a point is not whole (exit 3)");
        assertEquals(Set.of(kept), rows(), "the reappeared point has no row: it is no recovery point");

        assertFalse(rebuild.adoptPoint(PointRecord.LOCAL_REGION, "default", back, "job-replayed"),
                "the adoption of a lost job's point refuses it too");
        assertFalse(rebuild.restorePoint(PointRecord.LOCAL_REGION, "default", back, null));
        assertEquals(Set.of(kept), rows());

        CatalogRebuild.Counts readopted = rebuild.rebuild(PointRecord.LOCAL_REGION, "default", vault, Set.of(deleted));
        assertEquals(List.of(), readopted.reappeared());
        assertTrue(readopted.whole());
        assertEquals(Set.of(kept, deleted), rows(), "re-adopted on the operator's word");
        DeletedPoints.Deleted decision = catalog.deletedPoints().find(deleted).orElseThrow();
        assertNotNull(decision.readoptedAt());
        assertTrue(decision.readoptedNote().contains("operator"), decision.readoptedNote());
        assertTrue(rebuild.rebuild("default", vault).whole(), "the decision stands for later rebuilds");

        lifecycle.delete(deleted);
        assertTrue(catalog.deletedPoints().find(deleted).orElseThrow().refused(), "deleted again: refused again");
    }

    @Test
    void aHoldPutBackFromBeforeAnExtensionIsFoundAndHeldAgain() throws Exception {
        String point = point(T0, PointFacts.expiring(T0.plus(Duration.ofDays(2))));
        point(T0.plus(Duration.ofHours(1)), PointFacts.NONE);
        new CatalogRebuild(catalog).rebuild("default", vault);
        lifecycle.extend(point, 10);
        Instant first = T0.plus(Duration.ofDays(12));
        assertEquals(first, vault.readHold(point));
        Path hold = dir.resolve("vault/" + Vault.holdName(point));
        byte[] earlier = Files.readAllBytes(hold);
        lifecycle.extend(point, 10);
        Instant extended = T0.plus(Duration.ofDays(22));
        assertEquals(extended, vault.readHold(point));
        assertEquals(extended, catalog.pointHolds().find(point).orElseThrow());

        Files.write(hold, earlier); // the adversary's rollback: it opens, it is the point's own hold
        assertEquals(first, vault.readHold(point));
        clock.set(T0.plus(Duration.ofDays(1)));
        RetentionSweep.Report report = sweep.sweep("u-web");
        assertEquals(List.of(), report.deleted());
        assertEquals(1, report.failures().size(), report.failures().toString());
        assertTrue(report.failures().getFirst().startsWith(point + ": DataCorrupt: the hold object of point " + point)
                && report.failures().getFirst().contains("ends at " + first), report.failures().toString());
        assertEquals(extended, vault.readHold(point), "held again until the catalog's time");
        assertEquals(List.of(), sweep.sweep("u-web").failures(), "reported once: the hold is right again");

        Files.delete(hold); // removed: the manifest alone (no floor for a manual point) would let it go
        report = sweep.sweep("u-web");
        assertTrue(report.failures().getFirst().contains("is gone"), report.failures().toString());
        assertEquals(extended, vault.readHold(point));
    }

    Set<String> rows() {
        return web.rows();
    }

    String point(Instant at) throws Exception {
        return point(at, PointFacts.NONE);
    }

    String point(Instant at, PointFacts extra) throws Exception {
        return web.point(at, extra);
    }
}
