package coffer.server.console;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.GroupPointRecord;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceDisk;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.instance.InPlaceWrite;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.Jobs;
import coffer.engine.json.CofferJson;
import coffer.engine.operation.GroupRestoreResult;
import coffer.engine.operation.JobOperation;
import coffer.engine.operation.RestoreDisk;
import coffer.engine.operation.RestoreDiskResult;
import coffer.engine.operation.RestoreGroup;
import coffer.engine.operation.RestoreInstance;
import coffer.engine.operation.RestoreInstanceResult;
import coffer.server.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's in-place restore forms and their results over plain HTTP on a real server (SQLite catalog, catalog
 * instances, points and a group point standing in for domains and backups): "Write every byte" sends {@code full}
 * (docs/design/change-tracking.md, "Quick rollback"), and a finished restore's page shows how each disk was written.
 * The restores themselves are QuickRollbackIT's (engine); here the jobs they would end as are stored before the
 * server starts, so that no runner takes them.
 */
class ConsoleInPlaceRestoreIT {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    static final String WEB = "5f0c2a3e-0000-4000-8000-00000000b001";
    static final String DB = "5f0c2a3e-0000-4000-8000-00000000b002";
    static final String PT = "20260302-000000-0000b001";

    @TempDir Path dir;
    TestServer server;
    Catalog catalog;
    String groupId;
    Map<String, String> finished;

    @BeforeEach
    void start() throws Exception {
        TestDatabase database = TestDatabase.sqlite(dir);
        try (Catalog before = Catalog.open(database.config())) {
            before.hosts().ensure("local", "qemu:///system");
            before.instances().refresh("local", List.of(
                    new Instance(WEB, "local", "web-q", "shutoff", List.of(new InstanceDisk("vda", "disk", "qcow2",
                            "/images/web-q.qcow2", 1L << 30, 1L << 28, null)), T0, false),
                    new Instance(DB, "local", "db-q", "shutoff", List.of(), T0, false)));
            before.points().upsert(new PointRecord(PT, "default", WEB, "web-q", T0, "available", "CRASH",
                    1L << 30, 1L << 20, null, null, List.of(), null, PointRecord.LOCAL_REGION));
            groupId = before.groups().create("shop", "local", List.of(DB, WEB)).id();
            before.groups().recordPoint(new GroupPointRecord("gp-1", groupId, "shop", "default", T0, "crash", 12L, null,
                    null, List.of(DB, WEB), List.of("pt-db", PT)));
            InPlaceWrite quick = InPlaceWrite.quick("vda", 12_900_000L, 4L << 30, "pt-newer");
            InPlaceWrite full = InPlaceWrite.full("vdb", 1L << 30, "raw disk: no dirty bitmap");
            finished = Map.of(
                    "disk", finish(before, new RestoreDisk(PT, "vda", null, null, true, false),
                            new RestoreDiskResult(PT, "vda", "/images/web-q.qcow2", quick)),
                    "instance", finish(before, RestoreInstance.inPlaceOf(PT), new RestoreInstanceResult(PT,
                            "web-q", Map.of("vda", "/a", "vdb", "/b"), false, Map.of("vda", quick, "vdb", full))),
                    "group", finish(before, new RestoreGroup("gp-1", null, false, true, null),
                            new GroupRestoreResult("gp-1", List.of(new RestoreInstanceResult("pt-db", "db-q",
                                    Map.of("vdb", "/b"), false, Map.of("vdb", full))))));
        }
        server = TestServer.start(TestServer.config(dir, database.config()));
        catalog = server.server().catalog();
    }

    /** A job of {@code operation} ended as succeeded with {@code result}; its id. */
    private static String finish(Catalog catalog, JobOperation<?> operation, Object result) {
        Job job = catalog.jobs().submit(operation, "local");
        Job claimed = catalog.jobs().claimNext("w-console-test", 8, Instant.now()).orElseThrow();
        assertEquals(job.id(), claimed.id());
        assertTrue(catalog.jobs().finish(job.id(), "w-console-test",
                new Jobs.Outcome(JobState.succeeded, CofferJson.tree(result), null, null), Instant.now()));
        return job.id();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    ConsoleClient operator() throws Exception {
        ConsoleClient client = new ConsoleClient(server.url());
        assertEquals(303, client.signIn(catalog.tokens().create("op", "operator").secret()).status());
        return client;
    }

    /** Posts a form; returns the params of the job it started (the job is cancelled: no runner acts on the fake instances). */
    private JsonNode started(ConsoleClient client, String path, String... fields) throws Exception {
        ConsoleClient.Page answer = client.post(path, fields);
        assertEquals(303, answer.status(), answer.body());
        assertTrue(answer.location().startsWith("/jobs/"), answer.location());
        String id = answer.location().substring("/jobs/".length());
        catalog.jobs().cancel(id);
        return catalog.jobs().find(id).orElseThrow().params();
    }

    /** The point's forms need the point in a vault: ConsoleBrowserIT restores a real instance's disk and itself with them. */
    @Test
    void writeEveryByteSendsFullFromTheGroupRestoreFormAndUncheckedItIsAQuickRollback() throws Exception {
        ConsoleClient operator = operator();
        ConsoleClient.Page group = operator.get("/groups/" + groupId);
        assertEquals(200, group.status(), group.body());
        assertTrue(group.body().contains("<input type=\"checkbox\" name=\"full\" id=\"full-gp-1\"")
                && group.body().contains("Write every byte (no quick rollback)"), group.body());
        JsonNode groupRestore = started(operator, "/group-points/gp-1/restore", "_csrf", group.csrf(), "inPlace", "on",
                "full", "on");
        assertTrue(groupRestore.path("inPlace").asBoolean() && groupRestore.path("full").asBoolean(), groupRestore.toString());
        JsonNode quickGroup = started(operator, "/group-points/gp-1/restore", "_csrf", group.csrf(), "inPlace", "on");
        assertFalse(quickGroup.path("full").asBoolean(), quickGroup.toString());
    }

    @Test
    void theFullBoxWithoutItsCsrfValueOrForAViewerStartsNothing() throws Exception {
        int jobs = catalog.jobs().list(Jobs.Filter.ALL).size();
        ConsoleClient operator = operator();
        assertEquals(403, operator.post("/points/" + PT + "/restore-disk", "disk", "vda", "inPlace", "on", "full", "on").status());
        ConsoleClient viewer = new ConsoleClient(server.url());
        assertEquals(303, viewer.signIn(catalog.tokens().create("view", "viewer").secret()).status());
        ConsoleClient.Page page = viewer.get("/groups/" + groupId);
        assertEquals(200, page.status(), page.body());
        assertTrue(page.body().contains("gp-1") && !page.body().contains("name=\"full\""), "a viewer has no restore form");
        assertEquals(403, viewer.post("/points/" + PT + "/restore-instance", "_csrf", page.csrf(), "inPlace", "on", "full", "on")
                .status());
        assertEquals(403, viewer.post("/group-points/gp-1/restore", "_csrf", page.csrf(), "inPlace", "on", "full", "on")
                .status());
        assertEquals(jobs, catalog.jobs().list(Jobs.Filter.ALL).size(), "no job started");
    }

    @Test
    void aFinishedInPlaceRestoresPageShowsHowEachDiskWasWritten() throws Exception {
        ConsoleClient viewer = new ConsoleClient(server.url());
        assertEquals(303, viewer.signIn(catalog.tokens().create("view", "viewer").secret()).status());

        String disk = viewer.get("/jobs/" + finished.get("disk")).body();
        assertTrue(disk.contains("<ul id=\"job-writes\"><li class=\"write-quick\"><span class=\"disk\">vda</span>:"
                + " quick rollback: wrote 12.3 MiB of 4.0 GiB (changed since point pt-newer)</li></ul>"), disk);

        String instance = viewer.get("/jobs/" + finished.get("instance")).body();
        assertTrue(instance.contains("<li class=\"write-quick\"><span class=\"disk\">web-q vda</span>: quick rollback: wrote"
                + " 12.3 MiB of 4.0 GiB (changed since point pt-newer)</li><li class=\"write-full\"><span class=\"disk\">"
                + "web-q vdb</span>: full write: raw disk: no dirty bitmap</li>"), instance);

        String group = viewer.get("/jobs/" + finished.get("group") + "/live").body();
        assertTrue(group.contains("<li class=\"write-full\"><span class=\"disk\">db-q vdb</span>: full write: raw disk:"
                + " no dirty bitmap</li>"), group);
    }
}
