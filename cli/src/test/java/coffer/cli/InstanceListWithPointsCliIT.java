package coffer.cli;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code coffer instance list --with-points [true|false]} (docs/cli.md): through a server, only the instances with a
 * point in the catalog (what a drill can restore), or with {@code false} only those without, every page or one page
 * and its cursor; offline (no catalog) the option is refused, naming it, with InvalidArgument.
 */
class InstanceListWithPointsCliIT {
    private static final Instant T0 = Instant.parse("2026-12-08T00:00:00Z");
    private static final String HOST = "h-tidy26";

    @TempDir Path dir;
    LocalServer server;

    @BeforeEach
    void start() throws Exception {
        server = LocalServer.start(dir);
        Catalog catalog = server.server().catalog();
        catalog.hosts().ensure(HOST, "qemu+ssh://tidy26.invalid/system");
        catalog.instances().refresh(HOST, List.of(
                new Instance("u-wp-1", HOST, "wp-db-1", "running", List.of(), T0, false),
                new Instance("u-wp-2", HOST, "wp-web-1", "shutoff", List.of(), T0, false),
                new Instance("u-wp-3", HOST, "wp-web-2", "running", List.of(), T0, false)));
        for (String id : List.of("u-wp-1", "u-wp-3")) { // wp-web-1 has none
            String name = id.equals("u-wp-1") ? "wp-db-1" : "wp-web-2";
            catalog.points().upsert(new PointRecord("pt-" + id, "default", id, name, T0, "available", "CRASH", 10, 1,
                    null, null, List.of(new PointRecord.PointDisk("vda", 10, 1)), null, PointRecord.LOCAL_REGION));
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void onlyTheInstancesWithPointsOrOnlyThoseWithout() {
        assertEquals(List.of("wp-db-1  running  u-wp-1  host h-tidy26", "wp-web-2  running  u-wp-3  host h-tidy26"),
                lines(server.cli("instance", "list", "--host", HOST, "--with-points").ok().out()));
        assertEquals(List.of("wp-db-1  running  u-wp-1  host h-tidy26", "wp-web-2  running  u-wp-3  host h-tidy26"),
                lines(server.cli("instance", "list", "--host", HOST, "--with-points", "true").ok().out()));
        assertEquals(List.of("wp-web-1  shutoff  u-wp-2  host h-tidy26"),
                lines(server.cli("instance", "list", "--host", HOST, "--with-points=false").ok().out()));
        assertEquals(3, lines(server.cli("instance", "list", "--host", HOST).ok().out()).size(), "without the option: all");

        String page = server.cli("instance", "list", "--host", HOST, "--with-points", "--limit", "1").ok().out();
        assertTrue(page.startsWith("wp-db-1  running  u-wp-1  host h-tidy26\n"), page);
        assertTrue(page.contains("More: the same command with --cursor "), page);
        String cursor = page.substring(page.indexOf("--cursor ") + "--cursor ".length()).strip();
        assertEquals(List.of("wp-web-2  running  u-wp-3  host h-tidy26"), lines(server.cli("instance", "list",
                "--host", HOST, "--with-points", "--limit", "1", "--cursor", cursor).ok().out()),
                "the next page is of the instances with points");

        server.cli("instance", "list", "--with-points", "maybe").fails(2, "InvalidArgument");
    }

    @Test
    void offlineTheOptionIsRefusedNamingIt() {
        CliRun refused = CliRun.run(dir.resolve("keyring.json"), "instance", "list", "--with-points").fails(2,
                "InvalidArgument");
        assertTrue(refused.err().contains("withPoints: not taken offline (which instances have points is a server"
                + " catalog's)"), refused.err());
    }

    /** The instances' lines of a text list (no disks here), without the cursor's. */
    private static List<String> lines(String text) {
        return text.lines().filter(l -> !l.isBlank() && !l.startsWith("More:")).toList();
    }
}
