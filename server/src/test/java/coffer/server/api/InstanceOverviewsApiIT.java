package coffer.server.api;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
 * {@code GET /api/v1/instance-overviews} (the console's instances page) through the real server: page by page, each
 * instance with the plan and the newest point that the per-instance lists ({@code /plans?instance=},
 * {@code /instances/{instance}/points?limit=1}) give, to the field, read without a list per instance.
 */
class InstanceOverviewsApiIT {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /** A daily schedule starting in 2030: no run is due while the test reads the plans. */
    static final String DAILY = "{\"name\": \"daily-ov\", \"schedule\": \"I|" + Instant.parse("2030-01-01T00:00:00Z")
            .getEpochSecond() + "|P1D\", \"retention\": {\"keepFor\": \"7d\"}}";

    TestServer server;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        server = TestServer.start(TestServer.config(dir, TestDatabase.sqlite(dir).config()));
        Catalog catalog = server.server().catalog();
        catalog.hosts().ensure("h-ov", "qemu+ssh://overview.invalid/system");
        catalog.instances().refresh("h-ov", IntStream.range(0, 5).mapToObj(i -> new Instance("u-ov-" + i, "h-ov",
                "ov-vm-" + i, "running", List.of(), T0, false)).toList());
        for (int n = 0; n < 14; n++) { // ov-vm-4 has none
            catalog.points().upsert(new PointRecord("pt-ov-" + n, "default", "u-ov-" + n % 4, "ov-vm-" + n % 4,
                    T0.plusSeconds(n / 3 * 60L), "available", "CRASH", 10, 1, null, null,
                    List.of(new PointRecord.PointDisk("vda", 10, 1)), null, PointRecord.LOCAL_REGION));
        }
        catalog.replications().queue("pt-ov-12", "east", "east-vault");
        assertEquals(201, server.admin("POST", "/api/v1/policies", DAILY).status());
        TestServer.Answer bound = server.admin("POST", "/api/v1/plans",
                "{\"policy\": \"daily-ov\", \"instances\": [\"ov-vm-1\", \"ov-vm-4\"]}");
        assertEquals(201, bound.status(), bound.text());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void eachInstanceComesWithThePlanAndNewestPointItsOwnListsGive() throws Exception {
        List<String> names = new ArrayList<>();
        String first = "/api/v1/instance-overviews?host=h-ov&limit=2";
        String path = first;
        while (true) {
            TestServer.Answer answer = get(path);
            assertEquals(answer.body().path("instances").size(), answer.body().path("count").asInt());
            for (JsonNode overview : answer.body().path("instances")) {
                String name = overview.path("instance").path("name").asText();
                names.add(name);
                assertEquals(get("/api/v1/instances/" + name).body(), overview.path("instance"), name);
                assertEquals(get("/api/v1/plans?instance=" + name).body().path("plans"), overview.path("plans"), name);
                JsonNode newest = get("/api/v1/instances/" + name + "/points?limit=1").body().path("points");
                assertEquals(newest.isEmpty() ? null : newest.get(0), overview.path("last").isNull() ? null
                        : overview.path("last"), name);
            }
            JsonNode next = answer.body().path("nextCursor");
            if (next.isNull() || next.isMissingNode()) {
                break;
            }
            path = first + "&cursor=" + URLEncoder.encode(next.asText(), StandardCharsets.UTF_8);
        }
        assertEquals(List.of("ov-vm-0", "ov-vm-1", "ov-vm-2", "ov-vm-3", "ov-vm-4"), names);

        JsonNode page = get("/api/v1/instance-overviews?host=h-ov&limit=5").body().path("instances");
        assertEquals("pt-ov-12", page.get(0).path("last").path("id").asText(), "ov-vm-0's newest point");
        assertEquals("east", page.get(0).path("last").path("replications").get(0).path("region").asText(),
                "with its replications: " + page.get(0));
        assertEquals("daily-ov", page.get(1).path("plans").get(0).path("policyName").asText(), page.get(1).toString());
        assertTrue(page.get(4).path("last").isNull() && page.get(4).path("plans").size() == 1, page.get(4).toString());
        assertTrue(page.get(2).path("plans").isEmpty(), page.get(2).toString());

        TestServer.Answer bad = server.admin("GET", "/api/v1/instance-overviews?limit=0", null);
        assertEquals(400, bad.status(), bad.text());
        assertTrue(bad.body().path("detail").asText().contains("limit"), bad.text());
    }

    private TestServer.Answer get(String path) throws Exception {
        TestServer.Answer answer = server.admin("GET", path, null);
        assertEquals(200, answer.status(), path + ": " + answer.text());
        return answer;
    }
}
