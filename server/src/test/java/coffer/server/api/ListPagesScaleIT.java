package coffer.server.api;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.vault.VaultLocation;
import coffer.server.TestServer;
import coffer.server.config.ServerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The points and jobs lists of the API over a large PostgreSQL catalog (docs/performance.md, "Lists"): rows made by
 * PostgreSQL itself ({@code generate_series}), then each kind of request timed through the real server, p50 and
 * p99 printed. Small in CI (20,000 points, 5,000 jobs); {@code scripts/bench-lists} runs it with 1,000,000 points.
 * Indicative on a shared machine; a page must still come well within a second at CI size.
 */
class ListPagesScaleIT {
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    final int points = Integer.getInteger("coffer.lists.points", 20_000);
    final int jobs = Integer.getInteger("coffer.lists.jobs", 5_000);
    final int requests = Integer.getInteger("coffer.lists.requests", 40);

    @Test
    void pagesOfTheListsComeQuicklyOverManyRows(@TempDir Path dir) throws Exception {
        try (TestDatabase database = TestDatabase.postgres();
             TestServer server = TestServer.start(withRegionEu(TestServer.config(dir, database.config())))) {
            Catalog catalog = server.server().catalog();
            catalog.hosts().ensure("h-scale", "qemu+ssh://scale.invalid/system");
            catalog.instances().refresh("h-scale", IntStream.range(0, 1000).mapToObj(i -> new Instance("u-" + i, "h-scale",
                    "vm-" + i, "running", List.of(), T0, false)).toList());
            catalog.groups().create("scale-group", "h-scale", List.of("u-1", "u-2", "u-3"));
            long started = System.nanoTime();
            fill(database);
            System.out.printf("list scale: %d points and %d jobs made in %.1f s%n", points, jobs, (System.nanoTime() - started) / 1e9);

            for (int i = 0; i < 10; i++) { // warm-up (class loading, JIT, the pool's connections): not timed
                server.admin("GET", "/api/v1/points?limit=100", null);
                server.admin("GET", "/api/v1/jobs?limit=100", null);
            }
            time(server, "points, first page of 100", "/api/v1/points?limit=100", 100);
            time(server, "points of one instance", "/api/v1/points?instance=vm-7&limit=100", Math.min(100, points / 1000));
            time(server, "points of a group (3 instances)", "/api/v1/points?group=scale-group&limit=100", Math.min(100, 3 * points / 1000));
            time(server, "points by region and consistency", "/api/v1/points?region=eu&consistency=CRASH&limit=100", 100);
            time(server, "expired points", "/api/v1/points?state=expired&limit=100", 100);
            Instant from = T0.plusSeconds(points / 2);
            time(server, "points in one hour (mid-list)", "/api/v1/points?since=" + from + "&until=" + from.plusSeconds(3600)
                    + "&limit=100", 100);
            time(server, "jobs, first page of 100", "/api/v1/jobs?limit=100", 100);
            time(server, "failed jobs of one host", "/api/v1/jobs?state=failed&host=h-scale&limit=100", 100);
            deepPages(server);
        }
    }

    /** The test server's configuration with a second region, {@code eu}, to filter on (a filter names a configured region). */
    private static ServerConfig withRegionEu(ServerConfig base) {
        List<ServerConfig.VaultEntry> vaults = new ArrayList<>(base.vaults());
        vaults.add(new ServerConfig.VaultEntry("eu-vault", VaultLocation.directory(base.dataDir().resolve("eu-vault")), null, false, "eu"));
        return new ServerConfig(base.dataDir(), base.address(), base.port(), base.tls(), base.catalog(),
                vaults, base.hosts(), base.limits(), base.restoreDirectories());
    }

    /** Points and jobs made by PostgreSQL: a point a second from {@link #T0}, over 1,000 instances. */
    private void fill(TestDatabase database) throws Exception {
        long t0 = T0.toEpochMilli();
        try (Connection c = DriverManager.getConnection(database.config().jdbcUrl()); Statement s = c.createStatement()) {
            s.execute("INSERT INTO points (id, vault, instance_id, instance_name, created_at, status, consistency,"
                    + " logical_bytes, stored_bytes, expires_at, job_id, consistency_reason, region)"
                    + " SELECT 'pt-' || lpad(g::text, 8, '0'), 'default', 'u-' || (g % 1000), 'vm-' || (g % 1000), "
                    + t0 + " + g * 1000::bigint, 'available', (ARRAY['CRASH', 'FILESYSTEM', 'APPLICATION'])[1 + g % 3],"
                    + " 1048576, 1024, CASE WHEN g % 7 = 0 THEN " + t0 + " ELSE NULL END, NULL, NULL,"
                    + " CASE WHEN g % 5 = 0 THEN 'eu' ELSE 'local' END FROM generate_series(1, " + points + ") g");
            s.execute("INSERT INTO point_disks (point_id, ordinal, target, logical_bytes, stored_bytes)"
                    + " SELECT 'pt-' || lpad(g::text, 8, '0'), 0, 'vda', 1048576, 1024 FROM generate_series(1, " + points + ") g");
            s.execute("INSERT INTO jobs (id, type, target, host_id, state, params, created_at, error_code, error_message)"
                    + " SELECT 'job-' || lpad(g::text, 8, '0'), 'backup', 'u-' || (g % 1000), 'h-scale',"
                    + " CASE WHEN g % 4 = 0 THEN 'failed' ELSE 'succeeded' END,"
                    + " '{\"version\": 1, \"operation\": {\"instance\": \"u-' || (g % 1000) || '\"}}', " + t0 + " + g * 1000::bigint,"
                    + " CASE WHEN g % 4 = 0 THEN 'WorkerLost' END, CASE WHEN g % 4 = 0 THEN 'lost' END"
                    + " FROM generate_series(1, " + jobs + ") g");
            s.execute("ANALYZE");
        }
    }

    private void time(TestServer server, String what, String path, int expected) throws Exception {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            TestServer.Answer answer = server.admin("GET", path, null);
            micros.add((System.nanoTime() - start) / 1000);
            assertEquals(200, answer.status(), answer.text());
            assertEquals(expected, answer.body().path("count").asInt(), what + ": " + path);
        }
        report(what, micros);
    }

    /** Follows the cursor 30 pages deep from the newest point. */
    private void deepPages(TestServer server) throws Exception {
        List<Long> micros = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < Math.min(30, points / 100); page++) {
            long start = System.nanoTime();
            TestServer.Answer answer = server.admin("GET", "/api/v1/points?limit=100" + (cursor == null ? ""
                    : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), null);
            micros.add((System.nanoTime() - start) / 1000);
            JsonNode next = answer.body().path("nextCursor");
            assertTrue(next.isTextual(), answer.text());
            cursor = next.asText();
        }
        report("points, the next 30 pages by cursor", micros);
    }

    private void report(String what, List<Long> micros) {
        List<Long> sorted = micros.stream().sorted().toList();
        long p50 = sorted.get(sorted.size() / 2);
        long p99 = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(0.99 * sorted.size()) - 1));
        System.out.printf("list scale: %-40s p50 %6.1f ms, p99 %6.1f ms (%d requests)%n", what, p50 / 1000.0, p99 / 1000.0,
                sorted.size());
        assertTrue(p50 < 1_000_000, what + ": a page within a second at p50, got " + p50 / 1000 + " ms");
    }
}
