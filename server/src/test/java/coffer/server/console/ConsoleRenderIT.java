package coffer.server.console;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceDisk;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How long the console takes to answer its busiest pages with many points in the catalog (SQLite), measured from a
 * client on loopback: the points page (first page and a filtered one), instances and capacity (both read every
 * point). Small in CI ({@code coffer.console.points}=1000, {@code coffer.console.requests}=20); full size in
 * scripts/bench-console (10,000 points). Prints "console render: ..." lines; the figures are indicative on a
 * shared machine. Checks what each page shows, so a page that fails to render fails the test.
 */
class ConsoleRenderIT {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final int POINTS = Integer.getInteger("coffer.console.points", 1000);
    static final int REQUESTS = Integer.getInteger("coffer.console.requests", 20);
    static final int INSTANCES = 20;

    @TempDir Path dir;

    @Test
    void pagesRenderWithManyPoints() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config(dir, TestDatabase.sqlite(dir).config()))) {
            Catalog catalog = server.server().catalog();
            catalog.hosts().ensure("local", "qemu:///system");
            List<Instance> instances = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                instances.add(new Instance(String.format("5f0c2a3e-0000-4000-8000-%012d", i), "local", "render-" + i,
                        "running", List.of(new InstanceDisk("vda", "disk", "qcow2", "/images/r" + i + ".qcow2", 1L << 34,
                        1L << 32, null)), T0, false));
            }
            catalog.instances().refresh("local", instances);
            long inserting = System.nanoTime();
            for (int p = 0; p < POINTS; p++) {
                Instance instance = instances.get(p % INSTANCES);
                catalog.points().upsert(new PointRecord(String.format("pt-%06d", p), "default", instance.id(), instance.name(),
                        T0.plusSeconds(3600L * p), "available", p % 7 == 0 ? "APPLICATION" : "CRASH", 1L << 34,
                        (1L << 24) + p, null, null, List.of(), null, PointRecord.LOCAL_REGION));
            }
            System.out.printf(Locale.ROOT, "console render: %d points inserted in %.1f s%n", POINTS,
                    (System.nanoTime() - inserting) / 1e9);
            ConsoleClient client = new ConsoleClient(server.url());
            assertEquals(303, client.signIn(server.adminToken()).status());

            measure(client, "/points", POINTS + " point(s)");
            measure(client, "/points?consistency=APPLICATION&instance=render-0", " point(s)");
            measure(client, "/instances", "render-19");
            measure(client, "/capacity", "<svg class=\"chart\"");
        }
    }

    private static void measure(ConsoleClient client, String path, String expected) throws Exception {
        for (int i = 0; i < 3; i++) { // warm-up: the first requests load classes and fill caches
            client.get(path);
        }
        long[] nanos = new long[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            long start = System.nanoTime();
            ConsoleClient.Page page = client.get(path);
            nanos[i] = System.nanoTime() - start;
            assertEquals(200, page.status(), path);
            assertTrue(page.body().contains(expected), path + " shows " + expected);
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "console render: %s with %d points: p50 %.1f ms, p95 %.1f ms, max %.1f ms (%d requests)%n",
                path, POINTS, ms(nanos[nanos.length / 2]), ms(nanos[(int) Math.ceil(nanos.length * 0.95) - 1]),
                ms(nanos[nanos.length - 1]), REQUESTS);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
