package coffer.server.api;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.vault.VaultLocation;
import coffer.server.TestServer;
import coffer.server.config.ServerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/v1/points} through the real server: pages follow {@code nextCursor} to the last (no cursor), every
 * point once, newest first; the filters by instance name, group, region, state, consistency and time are the
 * server's; bad paging input is a 400 naming the parameter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListPagesApiIT {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    TestServer server;
    final List<PointRecord> points = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        ServerConfig base = TestServer.config(dir, TestDatabase.sqlite(dir).config());
        List<ServerConfig.VaultEntry> vaults = new ArrayList<>(base.vaults()); // a second region, 'eu', to filter on
        vaults.add(new ServerConfig.VaultEntry("eu-vault", VaultLocation.directory(dir.resolve("eu-vault")), null, false, "eu"));
        server = TestServer.start(new ServerConfig(base.dataDir(), base.address(), base.port(), base.tls(), base.catalog(),
                vaults, base.hosts(), base.limits(), base.restoreDirectories()));
        Catalog catalog = server.server().catalog();
        catalog.hosts().ensure("h-pages", "qemu+ssh://pages.invalid/system");
        catalog.instances().refresh("h-pages", IntStream.range(0, 4).mapToObj(i -> new Instance("u-page-" + i, "h-pages",
                "page-vm-" + i, "running", List.of(), T0, false)).toList());
        catalog.groups().create("page-group", "h-pages", List.of("u-page-1", "u-page-2"));
        for (int n = 0; n < 45; n++) {
            PointRecord p = new PointRecord("pt-" + n, "default", "u-page-" + n % 4, "page-vm-" + n % 4,
                    T0.plusSeconds(n / 2 * 60L), "available", n % 3 == 0 ? "APPLICATION" : "CRASH", 10, 1,
                    n % 5 == 0 ? T0 : null, null, List.of(), null, n % 2 == 0 ? "eu" : PointRecord.LOCAL_REGION);
            catalog.points().upsert(p);
            points.add(p);
        }
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /api/v1/points?limit=7                                 | 45
            /api/v1/instances/page-vm-3/points?limit=4             | 11
            /api/v1/points?group=page-group&limit=5                | 22
            /api/v1/points?region=eu&consistency=CRASH&limit=3     | 15
            /api/v1/points?state=expired&limit=2                   | 9
            /api/v1/points?state=available&limit=1000             | 36
            /api/v1/points?since=2026-01-01T00:05:00Z&until=2026-01-01T00:10:00Z&limit=3 | 10
            """)
    void pagesFollowTheirCursorToTheLastAndHoldEveryMatchingPointOnceNewestFirst(String first, int expected)
            throws Exception {
        List<String> ids = new ArrayList<>();
        String path = first;
        int pages = 0;
        Instant previous = Instant.MAX;
        while (true) {
            TestServer.Answer answer = server.admin("GET", path, null);
            assertEquals(200, answer.status(), answer.text());
            for (JsonNode p : answer.body().path("points")) {
                Instant created = Instant.parse(p.path("createdAt").asText());
                assertTrue(!created.isAfter(previous), "newest first: " + answer.text());
                previous = created;
                ids.add(p.path("id").asText());
            }
            assertEquals(answer.body().path("points").size(), answer.body().path("count").asInt());
            pages++;
            JsonNode next = answer.body().path("nextCursor");
            if (next.isNull() || next.isMissingNode()) {
                break;
            }
            path = first + "&cursor=" + URLEncoder.encode(next.asText(), StandardCharsets.UTF_8);
        }
        assertEquals(expected, ids.size(), first + " gave " + ids);
        assertEquals(expected, ids.stream().distinct().count(), "each point once: " + ids);
        int limit = Integer.parseInt(first.replaceAll(".*limit=(\\d+).*", "$1"));
        assertEquals(Math.max(1, (expected + limit - 1) / limit), pages, "pages of " + limit + " up to the last");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /api/v1/points?state=old             | 400 | state: one of [available, expired], got 'old'
            /api/v1/points?consistency=GOOD      | 400 | consistency: one of [APPLICATION, CRASH, FILESYSTEM], got 'GOOD'
            /api/v1/points?limit=1001            | 400 | limit: a whole number from 1 to 1000, got '1001'
            /api/v1/points?cursor=zzz            | 400 | cursor: 'zzz' is not a cursor this server gave
            /api/v1/points?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z | 400 | until: must be after since
            /api/v1/points?group=no-such-group   | 404 | no consistency group 'no-such-group'
            /api/v1/points?region=mars           | 404 | no region 'mars' in the server's configuration
            /api/v1/jobs?region=mars             | 404 | no region 'mars' in the server's configuration
            /api/v1/jobs?cursor=zzz              | 400 | cursor: 'zzz' is not a cursor this server gave
            /api/v1/jobs?target=a&instance=b     | 400 | instance: give the target or the instance, not both
            """)
    void badPagingInputIsA4xxNamingIt(String path, int status, String message) throws Exception {
        TestServer.Answer answer = server.admin("GET", path, null);
        assertEquals(status, answer.status(), answer.text());
        assertTrue(answer.body().path("detail").asText().contains(message), answer.text());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /api/v1/instances?host=h-pages&limit=3                    | 4 | page-vm-0 page-vm-1 page-vm-2 page-vm-3
            /api/v1/instances?group=page-group&limit=1                | 2 | page-vm-1 page-vm-2
            /api/v1/instances?host=h-pages&state=running&limit=1000   | 4 | page-vm-0 page-vm-1 page-vm-2 page-vm-3
            /api/v1/instances?host=h-pages&state=shutoff&limit=2      | 0 | ''
            /api/v1/instances?host=h-pages&protected=true&limit=2     | 0 | ''
            """)
    void instancesPageByNameThroughTheirCursor(String first, int expected, String names) throws Exception {
        List<String> got = new ArrayList<>();
        String path = first;
        while (true) {
            TestServer.Answer answer = server.admin("GET", path, null);
            assertEquals(200, answer.status(), answer.text());
            answer.body().path("instances").forEach(i -> got.add(i.path("name").asText()));
            assertEquals(answer.body().path("instances").size(), answer.body().path("count").asInt());
            JsonNode next = answer.body().path("nextCursor");
            if (next.isNull() || next.isMissingNode()) {
                break;
            }
            path = first + "&cursor=" + URLEncoder.encode(next.asText(), StandardCharsets.UTF_8);
        }
        assertEquals(expected, got.size(), first + " gave " + got);
        assertEquals(names, String.join(" ", got));
        TestServer.Answer bad = server.admin("GET", "/api/v1/instances?cursor=zzz", null);
        assertEquals(400, bad.status(), bad.text());
        assertTrue(bad.body().path("detail").asText().contains("cursor: 'zzz' is not a cursor this server gave"), bad.text());
        TestServer.Answer wrongKind = server.admin("GET", "/api/v1/plans?state=sleeping", null);
        assertEquals(400, wrongKind.status(), wrongKind.text());
    }

    @Test
    void tokensPageByNameFilteredByRole() throws Exception {
        for (int i = 0; i < 5; i++) {
            server.server().catalog().tokens().create("reader-" + i, "viewer");
        }
        List<String> names = new ArrayList<>();
        String path = "/api/v1/tokens?role=viewer&limit=2";
        int pages = 0;
        while (path != null) {
            TestServer.Answer answer = server.admin("GET", path, null);
            assertEquals(200, answer.status(), answer.text());
            answer.body().path("tokens").forEach(t -> names.add(t.path("name").asText()));
            JsonNode next = answer.body().path("nextCursor");
            path = next.isNull() ? null : "/api/v1/tokens?role=viewer&limit=2&cursor=" + URLEncoder.encode(next.asText(),
                    StandardCharsets.UTF_8);
            pages++;
        }
        assertEquals(List.of("reader-0", "reader-1", "reader-2", "reader-3", "reader-4"), names);
        assertEquals(3, pages);
        TestServer.Answer bad = server.admin("GET", "/api/v1/tokens?role=root", null);
        assertEquals(400, bad.status(), bad.text());
        assertTrue(bad.body().path("detail").asText().contains("role: one of [admin, agent, operator, viewer], got 'root'"), bad.text());
        // every role a token can have filters, the agent role included (docs/api.md, "Lists")
        assertEquals(201, server.admin("POST", "/api/v1/tokens", "{\"name\": \"edge-1\", \"role\": \"agent\"}").status());
        TestServer.Answer agents = server.admin("GET", "/api/v1/tokens?role=agent", null);
        assertEquals(200, agents.status(), agents.text());
        assertEquals("edge-1", agents.body().path("tokens").path(0).path("name").asText(), agents.text());
        assertEquals(1, agents.body().path("count").asInt(), agents.text());
    }

    @Test
    void theJobsListPagesToo() throws Exception {
        Catalog catalog = server.server().catalog();
        for (int i = 0; i < 5; i++) {
            catalog.jobs().submit(new coffer.engine.operation.BackupInstance("u-page-0", null, null, null, null, false,
                    null, null, null), "h-pages");
        }
        TestServer.Answer first = server.admin("GET", "/api/v1/jobs?instance=page-vm-0&limit=3", null);
        assertEquals(3, first.body().path("count").asInt(), first.text());
        String cursor = first.body().path("nextCursor").asText();
        TestServer.Answer second = server.admin("GET", "/api/v1/jobs?instance=page-vm-0&limit=3&cursor="
                + URLEncoder.encode(cursor, StandardCharsets.UTF_8), null);
        assertEquals(2, second.body().path("count").asInt(), second.text());
        assertTrue(second.body().path("nextCursor").isNull(), second.text());
    }

    /** {@code GET /api/v1/jobs/{id}/log} a page at a time, oldest line first: the pages hold the whole log, in order. */
    @Test
    void aJobsLogPagesThroughItsCursor() throws Exception {
        Catalog catalog = server.server().catalog();
        coffer.engine.job.Job job = catalog.jobs().submit(new coffer.engine.operation.BackupInstance("u-page-1", null, null,
                null, null, false, null, null, null), "h-pages");
        for (int i = 1; i <= 5; i++) {
            catalog.jobs().appendLog(job.id(), "info", "page line " + i);
        }
        coffer.engine.job.JobEnd.await(catalog.jobs(), job, java.time.Duration.ofSeconds(60)); // its runner adds its own lines
        List<String> whole = catalog.jobs().log(job.id()).stream().map(coffer.engine.job.JobLogEntry::message).toList();
        assertTrue(whole.containsAll(List.of("page line 1", "page line 5")), whole.toString());
        List<String> paged = new ArrayList<>();
        String path = "/api/v1/jobs/" + job.id() + "/log?limit=2";
        int pages = 0;
        while (path != null) {
            TestServer.Answer answer = server.admin("GET", path, null);
            assertEquals(200, answer.status(), answer.text());
            answer.body().path("entries").forEach(e -> paged.add(e.path("message").asText()));
            assertEquals(answer.body().path("entries").size(), answer.body().path("count").asInt());
            JsonNode next = answer.body().path("nextCursor");
            path = next.isNull() ? null : "/api/v1/jobs/" + job.id() + "/log?limit=2&cursor="
                    + URLEncoder.encode(next.asText(), StandardCharsets.UTF_8);
            pages++;
        }
        assertEquals(whole, paged);
        assertEquals((whole.size() + 1) / 2, pages, "pages of two up to the last");
        TestServer.Answer bad = server.admin("GET", "/api/v1/jobs/" + job.id() + "/log?cursor=zzz", null);
        assertEquals(400, bad.status(), bad.text());
        assertTrue(bad.body().path("detail").asText().contains("cursor: 'zzz' is not a cursor this server gave"), bad.text());
        TestServer.Answer tooMany = server.admin("GET", "/api/v1/jobs/" + job.id() + "/log?limit=1001", null);
        assertEquals(400, tooMany.status(), tooMany.text());
    }
}
