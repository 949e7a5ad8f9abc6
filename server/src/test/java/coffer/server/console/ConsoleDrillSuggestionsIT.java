package coffer.server.console;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The drill form's suggestions ({@code /drills/instances}, docs/console.md "Drills") are instances a drill can restore:
 * only those with a point (the instance list's {@code withPoints} filter, also the API's {@code GET /instances
 * ?withPoints=}); before, an instance without a point was suggested and choosing it gave PointNotFound (checked: this
 * test failed so). Text the instance list's name filter refuses (longer than 256 characters, a control character) is
 * refused by the list itself and answers no suggestions, not an error.
 */
class ConsoleDrillSuggestionsIT {
    private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");
    private static final String HOST = "tidy25-drill";
    private static final Pattern OPTION = Pattern.compile("<option value=\"([^\"]+)\">");

    @TempDir Path dir;

    @Test
    void onlyInstancesWithAPointAreSuggested() throws Exception {
        TestDatabase database = TestDatabase.sqlite(dir);
        Instance with = new Instance("5f0c2a3e-2525-4000-8000-000000000001", HOST, "t25-web-1", "shutoff", List.of(), T0, false);
        Instance without = new Instance("5f0c2a3e-2525-4000-8000-000000000002", HOST, "t25-web-2", "shutoff", List.of(), T0, false);
        Instance other = new Instance("5f0c2a3e-2525-4000-8000-000000000003", HOST, "t25-db-1", "shutoff", List.of(), T0, false);
        try (Catalog before = Catalog.open(database.config())) {
            before.hosts().ensure(HOST, "qemu+ssh://tidy25-drill.invalid/system");
            before.instances().refresh(HOST, List.of(with, without, other));
            for (Instance instance : List.of(with, other)) {
                before.points().upsert(new PointRecord("pt-" + instance.id(), "default", instance.id(), instance.name(),
                        T0, "available", "CRASH", 10, 1, null, null, List.of(new PointRecord.PointDisk("vda", 10, 1)),
                        null, PointRecord.LOCAL_REGION));
            }
        }
        try (TestServer server = TestServer.start(TestServer.config(dir.resolve("data"), database.config()))) {
            ConsoleClient client = new ConsoleClient(server.url());
            client.signIn(server.adminToken());

            assertEquals(List.of(with.id()), suggested(client, "t25-web"), "not the instance without a point");
            assertEquals(List.of(other.id(), with.id()), suggested(client, ""), "nothing typed: the first with points");
            assertEquals(List.of(), suggested(client, "x".repeat(257)), "longer than the name filter takes");
            assertEquals(List.of(), suggested(client, "t25\u0001web"), "a control character");
            assertEquals(List.of(with.id()), suggested(client, "WEB-1"), "folded as the list folds names");

            TestServer.Answer api = server.admin("GET", "/api/v1/instances?withPoints=false&name=t25", null);
            assertEquals(200, api.status(), api.text());
            List<String> ids = new ArrayList<>();
            for (JsonNode i : api.body().path("instances")) {
                ids.add(i.path("id").asText());
            }
            assertEquals(List.of(without.id()), ids, "the API's filter: only those without a point");
        }
    }

    /** The values of the suggestions for {@code text}. */
    private static List<String> suggested(ConsoleClient client, String text) throws Exception {
        ConsoleClient.Page page = client.get("/drills/instances?instance=" + URLEncoder.encode(text, StandardCharsets.UTF_8));
        assertEquals(200, page.status(), page.body());
        List<String> values = new ArrayList<>();
        Matcher m = OPTION.matcher(page.body());
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }
}
