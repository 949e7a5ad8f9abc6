package coffer.server.console;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceDisk;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.job.JobType;
import coffer.engine.job.Jobs;
import coffer.engine.operation.ExportFiles;
import coffer.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The export form's "Holes it may read over all files" is the export's {@code sparseLimit} (docs/console.md, Exports;
 * docs/api.md): a bad value is refused {@code InvalidArgument} naming {@code sparseLimit} with no job made, a valid one
 * is the queued export job's {@code sparseLimit}, a blank one leaves the default. The form sent none before (checked:
 * without it a bad value was not refused, the field ignored).
 */
class ConsoleExportFormIT {
    private static final String INSTANCE = "5f0c2a3e-2222-4000-8000-0000000c0022";

    @TempDir Path dir;
    @RegisterExtension final BrowserTests opened = new BrowserTests();

    @Test
    void theExportFormSendsItsSparseLimit() throws Exception {
        TestServer server = opened.server(TestServer.config(dir.resolve("data"), TestDatabase.sqlite(dir).config()));
        Catalog catalog = server.server().catalog();
        catalog.hosts().ensure("console22-export", "qemu+ssh://console22-export.invalid/system");
        catalog.instances().refresh("console22-export", List.of(new Instance(INSTANCE, "console22-export", "console22-export-web",
                "shutoff", List.of(new InstanceDisk("vda", "disk", "qcow2", "/images/c22.qcow2", 1L << 30, 1L << 20, null)),
                Instant.now(), false)));
        catalog.points().upsert(new PointRecord("pt-console22-export", "default", INSTANCE, "console22-export-web", Instant.now(),
                "available", "CRASH", 1L << 30, 1L << 20, null, null, List.of(new PointRecord.PointDisk("vda", 1L << 30, 1L << 20)),
                null, PointRecord.LOCAL_REGION));
        ConsoleClient admin = new ConsoleClient(server.url());
        assertEquals(303, admin.signIn(server.adminToken()).status());
        String csrf = admin.get("/exports").csrf();
        String form = "/points/pt-console22-export/exports";

        ConsoleClient.Page refused = admin.post(form, "_csrf", csrf, "back", "/exports", "disk", "vda", "path", "/etc",
                "sparseLimit", "lots");
        assertEquals(303, refused.status(), refused.body());
        String shown = admin.get(refused.location()).body();
        assertTrue(shown.contains("InvalidArgument") && shown.contains("sparseLimit"), shown);
        assertEquals(List.of(), exports(catalog), "no export job for a bad limit");

        ConsoleClient.Page started = admin.post(form, "_csrf", csrf, "back", "/exports", "disk", "vda", "path", "/etc",
                "sparseLimit", "64G");
        assertEquals(303, started.status(), started.body());
        assertTrue(started.location().startsWith("/jobs/"), started.location());
        String job = started.location().substring("/jobs/".length());
        assertEquals("64G", ((ExportFiles) catalog.jobs().find(job).orElseThrow().operation()).sparseLimit());
        assertEquals(64L << 30, ((ExportFiles) catalog.jobs().find(job).orElseThrow().operation()).sparseLimitBytes());

        ConsoleClient.Page blank = admin.post(form, "_csrf", csrf, "back", "/exports", "disk", "vda", "path", "/etc",
                "sparseLimit", " ");
        String defaulted = blank.location().substring("/jobs/".length());
        assertNull(((ExportFiles) catalog.jobs().find(defaulted).orElseThrow().operation()).sparseLimit(), "blank: the default");
        assertEquals(2, exports(catalog).size());
    }

    private static List<String> exports(Catalog catalog) {
        return catalog.jobs().list(new Jobs.Filter(null, JobType.export, null, 100)).stream().map(j -> j.id()).toList();
    }
}
