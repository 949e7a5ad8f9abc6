package coffer.cli;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.DrillRun;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.MountRecord;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.VerifyRun;
import coffer.engine.instance.TestDomain;
import coffer.engine.operation.ExportFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI's lists of mounts, exports, alerts, verify runs and drills follow the server's pages (docs/cli.md): without
 * {@code --limit} each fetches every page (JSON and text complete: 130 of each, more than the server's default page
 * of 100), with {@code --limit} one page and the cursor of the next ("More: …", {@code nextCursor}), and following the
 * cursors with {@code --cursor} gives every row once; a bad cursor is {@code InvalidArgument} (exit 2). Before,
 * {@code mount list}, {@code export list} and {@code alert list} showed the first page only (100, 100 and 50 rows;
 * checked: this test failed so).
 */
class ListsFollowPagesCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final int ROWS = 130;
    private static final String INSTANCE = "5f0c2a3e-2323-4000-8000-000000000023";

    @TempDir Path dir;
    LocalServer server;

    @BeforeEach
    void start() throws Exception {
        TestDomain.requireLibvirt();
        server = LocalServer.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private CliRun cli(String... args) {
        return server.cli(args);
    }

    @Test
    void everyListFetchesEveryPageUnlessALimitIsGiven() throws Exception {
        Catalog catalog = server.server().catalog();
        catalog.hosts().ensure("console23-cli", "qemu+ssh://console23-cli.invalid/system");
        List<Instance> instances = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            instances.add(new Instance(String.format("5f0c2a3e-2323-4000-8000-%012d", 1000 + i), "console23-cli",
                    String.format("c23-cli-%03d", i), "shutoff", List.of(), T0, false));
        }
        instances.add(new Instance(INSTANCE, "console23-cli", "c23-cli-alerted", "shutoff", List.of(), T0, false));
        catalog.instances().refresh("console23-cli", instances);
        for (int i = 0; i < ROWS; i++) {
            Instance instance = instances.get(i);
            String point = "pt-" + instance.name();
            catalog.points().upsert(new PointRecord(point, "default", instance.id(), instance.name(), T0, "available",
                    "CRASH", 10, 1, null, null, List.of(new PointRecord.PointDisk("vda", 10, 1)), null,
                    PointRecord.LOCAL_REGION));
            catalog.drillRuns().record(new DrillRun("dr-" + instance.name(), instance.id(), point, "default", T0,
                    T0.plusSeconds(60), true, null, null, null, null, null, null, null, null));
            catalog.verifyRuns().record(new VerifyRun(String.format("vr-c23-%03d", i), "default", VerifyRun.Kind.FULL, 0,
                    1, T0.plusSeconds(60L * i), T0.plusSeconds(60L * i + 30), 1, 1, 1, 0, List.of(), 0, null, null));
            String mount = String.format("mnt-c23-%03d", i);
            catalog.mounts().create(new MountRecord(mount, point, "vda", INSTANCE, "console23-cli", null, "/run/c23-" + i,
                    T0.plusSeconds(60L * i), T0.plusSeconds(60L * i + 3600), null, null, null));
            assertTrue(catalog.mounts().ended(mount, T0.plusSeconds(60L * i + 30), MountRecord.EndReason.UNMOUNTED, null));
            catalog.changeAlerts().raise(new ChangeAlert(String.format("alert-c23-%03d", i), INSTANCE, point,
                    T0.plusSeconds(60L * i), ChangeAlert.Kind.CHANGE_RATE, 0.9, 0.1, T0.plusSeconds(60L * i + 5), null,
                    null, null, null));
            // the server runs these and they fail (no such point): their records are listed all the same
            catalog.jobs().submit(new ExportFiles("pt-none-c23-" + i, "vda", null, List.of("/etc"), null, null), "local");
        }

        for (Listing listing : List.of(
                new Listing(List.of("mount", "list", "--all"), "mounts", "id", "mnt-c23-"),
                new Listing(List.of("export", "list"), "exports", "id", ""),
                new Listing(List.of("alert", "list"), "alerts", "id", "alert-c23-"),
                new Listing(List.of("verify", "list"), "runs", "id", "vr-c23-"),
                new Listing(List.of("drill", "list"), "instances", "instance", "5f0c2a3e-2323-"))) {
            String what = String.join(" ", listing.command());
            JsonNode all = json(listing.command(), "--output", "json");
            Set<String> ids = ids(all, listing);
            // the server's own verify of its vault at start may add a run of its own
            assertEquals(ROWS, ids.stream().filter(id -> id.startsWith(listing.mine())).count(),
                    what + ": every page, each row once");
            assertEquals(ids.size(), all.path("count").asInt(), what);
            assertTrue(all.path("nextCursor").isNull(), what + ": " + all.path("nextCursor"));
            String text = run(listing.command()).ok().out();
            assertFalse(text.contains("More:"), what + ": " + text);

            // one page at a time, through the cursors
            Set<String> walked = new HashSet<>();
            String cursor = null;
            int pages = 0;
            do {
                List<String> args = new ArrayList<>(List.of("--limit", "50", "--output", "json"));
                if (cursor != null) {
                    args.addAll(List.of("--cursor", cursor));
                }
                JsonNode page = json(listing.command(), args.toArray(String[]::new));
                ids(page, listing).forEach(id -> assertTrue(walked.add(id), what + ": " + id + " twice"));
                cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
                pages++;
            } while (cursor != null);
            assertEquals(ids, walked, what);
            assertEquals(3, pages, what);
            String one = run(listing.command(), "--limit", "50").ok().out();
            assertTrue(one.contains("More: the same command with --cursor "), what + ": " + one);
            run(listing.command(), "--cursor", "not-a-cursor").fails(2, "InvalidArgument");
        }
    }

    private CliRun run(List<String> command, String... more) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    private JsonNode json(List<String> command, String... more) throws Exception {
        return JSON.readTree(run(command, more).ok().out());
    }

    /** A list command, the field of its answer holding the rows, the field of a row naming it, how the test's rows start. */
    private record Listing(List<String> command, String items, String id, String mine) {
    }

    /** The rows' ids of one answer, each once. */
    private static Set<String> ids(JsonNode list, Listing listing) {
        Set<String> ids = new HashSet<>();
        list.path(listing.items()).forEach(row -> assertTrue(ids.add(row.path(listing.id()).asText()), row.toString()));
        return ids;
    }
}
