package coffer.server.console;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceDisk;
import coffer.server.TestServer;
import coffer.server.api.Endpoints;
import coffer.server.api.OpenApi;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The instances' name filter (docs/api.md, "Lists"; docs/console.md): {@code GET /api/v1/instances?name=} and the
 * console's instances page list only the instances whose name holds the text (A–Z in either case; {@code %} and
 * {@code _} literally), paged by the catalog's query (the next page's link keeps the filter); a bad filter is
 * {@code InvalidArgument} naming {@code name}; the OpenAPI document lists the parameter. On SQLite and PostgreSQL. Without the filter the console
 * page listed every instance (checked).
 */
class InstanceNameFilterIT {
    private static final Pattern ROW = Pattern.compile("<tr id=\"instance-([^\"]+)\"");
    private static final Pattern NEXT = Pattern.compile("href=\"([^\"]+)\" rel=\"next\"");

    @TempDir Path dir;
    @RegisterExtension final BrowserTests opened = new BrowserTests();

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void instancesAreFilteredByNameOnTheServer(String catalogKind) throws Exception {
        TestServer server = opened.server(TestServer.config(dir.resolve("data"), TestServer.database(catalogKind, dir).config()));
        Catalog catalog = server.server().catalog();
        catalog.hosts().ensure("console22-filter", "qemu+ssh://console22-filter.invalid/system");
        List<Instance> instances = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            String name = i < 120 ? String.format("web-%03d", i) : String.format("DB-console22-%03d", i);
            instances.add(instance(i, name));
        }
        instances.add(instance(200, "a_b%c-console22"));
        instances.add(instance(201, "aXbYc-console22"));
        catalog.instances().refresh("console22-filter", instances);

        // the API: every page of the filter, and only its matches
        assertEquals(List.of("DB-console22-120", "DB-console22-121", "DB-console22-122", "DB-console22-123",
                "DB-console22-124", "DB-console22-125", "DB-console22-126", "DB-console22-127", "DB-console22-128",
                "DB-console22-129"), apiNames(server, "db-CONSOLE22", 3));
        assertEquals(List.of("a_b%c-console22"), apiNames(server, "_b%", 1000));
        assertEquals(List.of("aXbYc-console22", "a_b%c-console22"), apiNames(server, "c-console22", 1000), "by name");
        for (String bad : List.of("web\u0001", "x".repeat(257))) {
            TestServer.Answer refused = server.admin("GET", "/api/v1/instances?name=" + URLEncoder.encode(bad, StandardCharsets.UTF_8), null);
            assertEquals(400, refused.status(), refused.text());
            assertTrue(refused.text().contains("InvalidArgument") && refused.text().contains("name:"), refused.text());
        }
        JsonNode parameters = OpenApi.document().path("paths").path(Endpoints.PREFIX + "/instances").path("get").path("parameters");
        assertTrue(parameters.findValuesAsText("name").contains("name"), parameters.toString());

        // the console: 50 a page of the matching instances, the next page's link keeping the filter
        ConsoleClient admin = new ConsoleClient(server.url());
        assertEquals(303, admin.signIn(server.adminToken()).status());
        Set<String> seen = new HashSet<>();
        String path = "/instances?name=WEB-";
        int pages = 0;
        while (path != null) {
            ConsoleClient.Page page = admin.get(path.replace("&amp;", "&"));
            assertEquals(200, page.status(), path + ": " + page.body());
            assertTrue(page.body().contains("id=\"f-name\" value=\"WEB-\""), "the filter kept in its field");
            Matcher row = ROW.matcher(page.body());
            int rows = 0;
            while (row.find()) {
                assertTrue(row.group(1).startsWith("web-"), path + ": " + row.group(1));
                assertTrue(seen.add(row.group(1)), row.group(1) + " listed twice");
                rows++;
            }
            assertTrue(rows <= 50, path + ": " + rows);
            pages++;
            Matcher next = NEXT.matcher(page.body());
            path = next.find() ? next.group(1) : null;
            assertTrue(path == null || path.contains("name=WEB-"), path);
        }
        assertEquals(120, seen.size());
        assertEquals(3, pages);
        ConsoleClient.Page none = admin.get("/instances?name=console22-nothing");
        assertTrue(none.body().contains("id=\"empty\"") && none.body().contains("No instance matches the filters"), none.body());
        assertTrue(!ROW.matcher(none.body()).find(), none.body());
    }

    private static Instance instance(int i, String name) {
        return new Instance(String.format("5f0c2a3e-2222-4000-8000-%012d", i), "console22-filter", name, "shutoff",
                List.of(new InstanceDisk("vda", "disk", "qcow2", "/images/c22-" + i + ".qcow2", 1L << 30, 1L << 20, null)),
                Instant.parse("2026-12-07T00:00:00Z"), false);
    }

    /** The names of every page of {@code GET /api/v1/instances?name=…}, {@code limit} a page. */
    private static List<String> apiNames(TestServer server, String filter, int limit) throws Exception {
        List<String> names = new ArrayList<>();
        String cursor = null;
        do {
            TestServer.Answer page = server.admin("GET", "/api/v1/instances?limit=" + limit + "&name="
                    + URLEncoder.encode(filter, StandardCharsets.UTF_8)
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), null);
            assertEquals(200, page.status(), page.text());
            page.body().path("instances").forEach(i -> names.add(i.path("name").asText()));
            cursor = page.body().path("nextCursor").isTextual() ? page.body().path("nextCursor").asText() : null;
        } while (cursor != null);
        return names;
    }
}
