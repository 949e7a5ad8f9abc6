package coffer.cli;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.policy.ArchiveRule;
import coffer.engine.policy.Interval;
import coffer.engine.policy.Policy;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.Retention;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.policy.Schedule;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code coffer instance overview} through a real server (docs/cli.md): every page unless {@code --limit} is given,
 * one page and the cursor of the next with it; each instance with the plan and the newest point that
 * {@code plan list --instance} and {@code point list --name --limit 1} give, to the field; the text is one line an
 * instance. The overview needs a server's catalog (plans, protections): it has no offline form.
 */
class InstanceOverviewCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant LATER = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir Path dir;
    LocalServer server;

    @BeforeEach
    void start() throws Exception {
        server = LocalServer.start(dir);
        Catalog catalog = server.server().catalog();
        catalog.hosts().ensure("h-ov", "qemu+ssh://overview.invalid/system");
        catalog.instances().refresh("h-ov", IntStream.range(0, 5).mapToObj(i -> new Instance("u-ov-" + i, "h-ov",
                "ov-vm-" + i, i == 3 ? "shutoff" : "running", List.of(), T0, false)).toList());
        for (int n = 0; n < 10; n++) { // ov-vm-4 has none; ov-vm-0's newest is pt-ov-8
            catalog.points().upsert(new PointRecord("pt-ov-" + n, "default", "u-ov-" + n % 4, "ov-vm-" + n % 4,
                    T0.plusSeconds(60L * n), "available", n % 2 == 0 ? "CRASH" : "FILESYSTEM", 10, 1, null, null,
                    List.of(new PointRecord.PointDisk("vda", 10, 1)), null, PointRecord.LOCAL_REGION));
        }
        StoredPolicy daily = catalog.policies().create(new Policy("daily-ov", Schedule.of(LATER, Interval.days(1)),
                Retention.keepFor(RetentionPeriod.days(7)), false, ReplicationRule.OFF, ArchiveRule.OFF));
        catalog.plans().create("plan-ov-1", "plan-ov-1", "u-ov-1", daily.id(), LATER);
        catalog.plans().create("plan-ov-4", "plan-ov-4", "u-ov-4", daily.id(), LATER);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyInstanceComesWithItsPlanAndNewestPointPageByPageAndInText() throws Exception {
        JsonNode all = json("instance", "overview", "--host", "h-ov", "--output", "json");
        assertEquals(5, all.path("count").asInt(), all.toString());
        List<String> names = new ArrayList<>();
        for (JsonNode overview : all.path("instances")) {
            String name = overview.path("instance").path("name").asText();
            names.add(name);
            assertEquals(json("plan", "list", "--instance", name, "--output", "json").path("plans"), overview.path("plans"), name);
            JsonNode newest = json("point", "list", "--name", name, "--limit", "1", "--output", "json").path("points");
            assertEquals(newest.isEmpty() ? null : newest.get(0), overview.path("last").isNull() ? null : overview.path("last"),
                    name);
        }
        assertEquals(List.of("ov-vm-0", "ov-vm-1", "ov-vm-2", "ov-vm-3", "ov-vm-4"), names);
        assertEquals("pt-ov-8", all.path("instances").get(0).path("last").path("id").asText());
        assertEquals("daily-ov", all.path("instances").get(1).path("plans").get(0).path("policyName").asText());

        List<JsonNode> walked = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            List<String> args = new ArrayList<>(List.of("instance", "overview", "--host", "h-ov", "--limit", "2", "--output", "json"));
            if (cursor != null) {
                args.addAll(List.of("--cursor", cursor));
            }
            JsonNode page = json(args.toArray(String[]::new));
            page.path("instances").forEach(walked::add);
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
            pages++;
        } while (cursor != null);
        assertEquals(3, pages, "pages of two up to the last");
        assertEquals(List.copyOf(all.path("instances").valueStream().toList()), walked, "the pages are the whole, in order");

        String text = server.cli("instance", "overview", "--host", "h-ov").ok().out();
        List<String> lines = text.lines().toList();
        assertEquals(6, lines.size(), text);
        assertTrue(lines.get(0).startsWith("INSTANCE"), text);
        assertTrue(lines.get(1).startsWith("ov-vm-0") && lines.get(1).contains("pt-ov-8") && lines.get(1).contains("CRASH"), text);
        assertTrue(lines.get(2).contains("plan-ov-1") && lines.get(2).contains("daily-ov")
                && lines.get(2).contains("2030-01-01T00:00:00Z"), text);
        assertTrue(lines.get(4).contains("shutoff"), text);
        assertTrue(lines.get(5).startsWith("ov-vm-4") && lines.get(5).contains("plan-ov-4") && lines.get(5).endsWith("none"), text);
        String one = server.cli("instance", "overview", "--host", "h-ov", "--limit", "1").ok().out();
        assertTrue(one.contains("More: the same command with --cursor "), one);

        server.cli("instance", "overview", "--limit", "0").fails(2, "InvalidArgument");
        server.cli("instance", "overview", "--cursor", "not-a-cursor").fails(2, "InvalidArgument");
        server.cli("instance", "overview", "--group", "no-such-group").fails(4, "ResourceNotFound");
    }

    private JsonNode json(String... args) throws Exception {
        return JSON.readTree(server.cli(args).ok().out());
    }
}
