package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogConfig;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.RecordingJobContext;
import coffer.engine.operation.SearchFiles;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.Vault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file search through a server names the points it leaves out and why (docs/design/live-access.md, "Searching a file
 * across points"): a point in a vault the server does not open, a point whose vault cannot be opened. Each is a line of
 * the job's log and part of the refusal when no point is left (no appliance boots here).
 */
class FileSearchSkippedPointsTest {
    @TempDir Path dir;

    @Test
    void pointsLeftOutAreLoggedWithWhyAndNamedInTheRefusal() throws Exception {
        try (Catalog catalog = Catalog.open(CatalogConfig.sqlite(dir.resolve("catalog.db")))) {
            Instant t = Instant.parse("2026-12-01T10:00:00Z");
            catalog.hosts().ensure("local", "qemu:///system");
            catalog.instances().refresh("local", List.of(new Instance("u-1", "local", "web", "running", List.of(), t, false)));
            catalog.points().upsert(new PointRecord("p-old", "main", "u-1", "web", t, "available", "CRASH", 1, 1, null, null,
                    List.of()));
            catalog.points().upsert(new PointRecord("p-new", "elsewhere", "u-1", "web", t.plusSeconds(3600), "available",
                    "CRASH", 1, 1, null, null, List.of()));
            VaultDirectory vaults = new VaultDirectory() {
                @Override
                public Set<String> names() {
                    return Set.of("main");
                }

                @Override
                public String defaultName() {
                    return "main";
                }

                @Override
                public Vault open(String name) {
                    throw new CofferException(ErrorCode.VaultBusy, "vault 'main' is held by a repair");
                }
            };
            RecordingJobContext context = new RecordingJobContext();
            FileSearchHandler handler = new FileSearchHandler(catalog, vaults, dir.resolve("run"));
            CofferException none = assertThrows(CofferException.class,
                    () -> handler.run(new SearchFiles("u-1", "x", null, null, null, null), null, context));
            assertEquals(ErrorCode.PointNotFound, none.code());
            List<String> log = context.lines();
            assertEquals(List.of(
                    "point p-new (2026-12-01T11:00:00Z) skipped: its vault 'elsewhere' is not one this server opens",
                    "point p-old (2026-12-01T10:00:00Z) skipped: VaultBusy: vault 'main' is held by a repair"), log);
            assertEquals(List.of(), context.warnings(), "logged as information, not warnings");
            for (String line : log) {
                assertTrue(none.getMessage().contains(line), none.getMessage());
            }
        }
    }
}
