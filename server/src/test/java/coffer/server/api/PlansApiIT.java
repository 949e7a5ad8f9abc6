package coffer.server.api;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.testing.MutableClock;
import coffer.server.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Policies, plans and point retention through the real server on a simulated clock, with catalog instances
 * standing in for domains (no backup runs here: PlansCliIT does that on a real domain). Every seed error state:
 * PolicyHasPermanentRetention, NoDestinationRegion, PlanSuspended, InstanceReleased, BackupPointImmutable, and
 * bad values.
 */
class PlansApiIT {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    static final String HOURLY = "{\"name\": \"hourly\", \"schedule\": \"I|" + T0.getEpochSecond()
            + "|PT1H\", \"retention\": {\"keepFor\": \"1d\"}, \"immutable\": true}";

    @TempDir Path dir;
    MutableClock clock = new MutableClock(T0.minusSeconds(60));
    TestServer server;
    Catalog catalog;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(TestServer.config(dir, TestDatabase.sqlite(dir).config()), clock);
        catalog = server.server().catalog();
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.instances().refresh("local", List.of(
                new Instance("u-plan-web", "local", "plan-web-x", "running", List.of(), T0, false),
                new Instance("u-plan-db", "local", "plan-db-x", "running", List.of(), T0, false)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    TestServer.Answer ok(int status, String method, String path, String body) throws Exception {
        TestServer.Answer answer = server.admin(method, path, body);
        assertEquals(status, answer.status(), method + " " + path + ": " + answer.text());
        return answer;
    }

    TestServer.Answer problem(int status, String code, String detail, String method, String path, String body) throws Exception {
        TestServer.Answer answer = server.admin(method, path, body);
        assertEquals(status, answer.status(), answer.text());
        assertEquals(code, answer.code(), answer.text());
        assertTrue(answer.body().path("detail").asText().contains(detail), answer.text());
        assertTrue(!answer.body().path("remedy").asText().isBlank(), answer.text());
        return answer;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', textBlock = """
            forever retention        # {"name": "p", "schedule": "I|1631685600|P1D", "retention": {"keepFor": "forever"}}                  # 409 # PolicyHasPermanentRetention # retention.keepFor: a never-expire retention cannot be applied
            replication w/o region   # {"name": "p", "schedule": "I|1631685600|P1D", "retention": {"keepFor": "7d"}, "replication": {"enabled": true, "destinationVault": "v", "retention": "7d"}} # 400 # NoDestinationRegion # replication.destinationRegion: replication is on but no destination region
            minutes interval         # {"name": "p", "schedule": "I|1631685600|PT30M", "retention": {"keepFor": "7d"}}                      # 400 # InvalidArgument # the smallest interval is one hour
            bad keepFor              # {"name": "p", "schedule": "I|1631685600|P1D", "retention": {"keepFor": "7 days"}}                    # 400 # InvalidArgument # retention.keepFor: expected <n>d
            too long keepFor         # {"name": "p", "schedule": "I|1631685600|P1D", "retention": {"keepFor": "65537d"}}                    # 400 # InvalidArgument # out of range: 1 to 65536 days
            every problem at once    # {"name": "", "schedule": "I|x|P1D", "retention": {"keepFor": "7d", "keepLatest": -1}, "colour": 1} # 400 # InvalidArgument # 4 problems
            bad zone                 # {"name": "p", "schedule": "I|1631685600|P1D", "zone": "Mars/Olympus", "retention": {"keepFor": "7d"}} # 400 # InvalidArgument # 'Mars/Olympus' is not a time zone
            not json                 # {"name":                                                                                           # 400 # InvalidArgument # not valid JSON
            """)
    void badPoliciesAreRefusedWithTheSeedsCodes(String what, String body, int status, String code, String detail) throws Exception {
        problem(status, code, detail, "POST", "/api/v1/policies", body);
    }

    @Test
    void thePolicyCenterCreatesEditsListsAndDeletesWhenUnused() throws Exception {
        JsonNode created = ok(201, "POST", "/api/v1/policies", HOURLY).body();
        assertEquals("I|" + T0.getEpochSecond() + "|PT1H", created.path("schedule").asText());
        assertEquals(T0.toString(), created.path("scheduleStart").asText());
        assertEquals("1d", created.path("retention").path("keepFor").asText());
        problem(409, "NameTaken", "'hourly'", "POST", "/api/v1/policies", HOURLY);
        String daily = "{\"name\": \"daily\", \"schedule\": {\"start\": \"" + T0 + "\", \"interval\": \"P1D\"}, \"retention\": {\"keepFor\": \"2w\", \"keepLatest\": 3, \"calendar\": [{\"unit\": \"months\", \"count\": 12}]}}";
        JsonNode edited = ok(200, "PUT", "/api/v1/policies/hourly", daily.replace("daily", "hourly")).body();
        assertEquals("P1D", edited.path("scheduleInterval").asText());
        assertEquals(1, ok(200, "GET", "/api/v1/policies", null).body().path("count").asInt());
        ok(201, "POST", "/api/v1/plans", "{\"policy\": \"hourly\", \"instances\": [\"plan-web-x\"]}");
        problem(409, "PolicyInUse", "used by 1 plan", "DELETE", "/api/v1/policies/hourly", null);
        problem(404, "ResourceNotFound", "no policy 'nope'", "GET", "/api/v1/policies/nope", null);
    }

    @Test
    void bindingASecondPolicyNeedsReplaceAndPlansRunSuspendResumeAndDelete() throws Exception {
        ok(201, "POST", "/api/v1/policies", HOURLY);
        ok(201, "POST", "/api/v1/policies", HOURLY.replace("hourly", "other"));
        JsonNode plan = ok(201, "POST", "/api/v1/plans", "{\"policy\": \"hourly\", \"instances\": [\"plan-web-x\"]}")
                .body().path("plans").get(0);
        assertTrue(plan.path("name").asText().matches("plan-[a-z]+-[a-z]+-[0-9a-f]{4}"), plan.toString());
        assertEquals("active", plan.path("state").asText());
        assertTrue(catalog.protections().find("u-plan-web").isPresent(), "binding protects the instance");
        String id = plan.path("id").asText();

        problem(409, "PlanExists", "bind with replace=true", "POST", "/api/v1/plans", "{\"policy\": \"other\", \"instances\": [\"plan-web-x\"]}");
        JsonNode replaced = ok(201, "POST", "/api/v1/plans", "{\"policy\": \"other\", \"instances\": [\"plan-web-x\"], \"replace\": true}")
                .body().path("plans").get(0);
        assertEquals(id, replaced.path("id").asText());
        assertEquals("other", replaced.path("policyName").asText());
        problem(400, "InvalidArgument", "name: a plan name can be given only when binding one instance", "POST", "/api/v1/plans",
                "{\"policy\": \"other\", \"instances\": [\"plan-web-x\", \"plan-db-x\"], \"name\": \"x\"}");

        // run now queues a backup job of the plan
        JsonNode job = ok(202, "POST", "/api/v1/plans/" + id + "/run", null).body();
        assertEquals("backup", job.path("type").asText());
        assertEquals(id, job.path("params").path("plan").path("id").asText());
        catalog.jobs().cancel(job.path("id").asText());

        // suspended: run now is refused; a due run is not started and the plan shows PlanSuspended
        ok(200, "POST", "/api/v1/plans/" + id + "/suspend", null);
        problem(409, "PlanSuspended", "is suspended", "POST", "/api/v1/plans/" + id + "/run", null);
        clock.advance(Duration.ofHours(1));
        server.server().plans().scheduler().tick();
        JsonNode suspended = ok(200, "GET", "/api/v1/plans/" + id, null).body();
        assertEquals("PlanSuspended", suspended.path("lastOutcome").path("code").asText(), suspended.toString());
        assertTrue(suspended.path("lastOutcome").path("remedy").asText().contains("Resume the plan"), suspended.toString());
        JsonNode resumed = ok(200, "POST", "/api/v1/plans/" + id + "/resume", null).body();
        assertEquals("active", resumed.path("state").asText());
        ok(200, "PUT", "/api/v1/plans/" + id, "{\"name\": \"web-hourly\"}");
        assertEquals("web-hourly", ok(200, "GET", "/api/v1/plans/web-hourly", null).body().path("name").asText());

        JsonNode deleted = ok(200, "DELETE", "/api/v1/plans/web-hourly", null).body();
        assertEquals(id, deleted.path("deleted").asText());
        assertEquals(0, ok(200, "GET", "/api/v1/plans", null).body().path("count").asInt());
        assertTrue(catalog.protections().find("u-plan-web").isPresent(), "deleting a plan keeps the protection");
    }

    @Test
    void aReleasedInstanceStopsItsPlanWithInstanceReleasedAndStopProtectionDeletesThePlan() throws Exception {
        ok(201, "POST", "/api/v1/policies", HOURLY);
        String id = ok(201, "POST", "/api/v1/plans", "{\"policy\": \"hourly\", \"instances\": [\"plan-db-x\"], \"name\": \"db\"}")
                .body().path("plans").get(0).path("id").asText();
        catalog.instances().refresh("local", List.of(new Instance("u-plan-web", "local", "plan-web-x", "running", List.of(), T0, false)));
        clock.advance(Duration.ofHours(1));
        server.server().plans().scheduler().tick();
        JsonNode plan = ok(200, "GET", "/api/v1/plans/db", null).body();
        assertEquals("stopped", plan.path("state").asText(), plan.toString());
        assertEquals("InstanceReleased", plan.path("lastOutcome").path("code").asText());
        assertTrue(plan.path("lastOutcome").path("remedy").asText().contains("Stop protection"), plan.toString());
        problem(410, "InstanceReleased", "no longer exists", "POST", "/api/v1/plans/" + id + "/run", null);
        problem(410, "InstanceReleased", "no longer exists", "POST", "/api/v1/plans/" + id + "/resume", null);

        JsonNode stopped = ok(200, "DELETE", "/api/v1/protections/plan-db-x", null).body();
        assertEquals(false, stopped.path("protected").asBoolean());
        assertTrue(catalog.plans().find(id).isEmpty(), "stop protection deletes the instance's plans");
    }

    @Test
    void anImmutablePointCannotBeDeletedByAnyRoleUntilItExpiresAndRetentionCanBeExtended() throws Exception {
        ok(201, "POST", "/api/v1/policies", HOURLY);
        String plan = ok(201, "POST", "/api/v1/plans", "{\"policy\": \"hourly\", \"instances\": [\"plan-web-x\"]}")
                .body().path("plans").get(0).path("id").asText();
        String policy = catalog.plans().find(plan).orElseThrow().policyId();
        for (String p : List.of("pt-old", "pt-new")) {
            catalog.points().upsert(new PointRecord(p, "default", "u-plan-web", "plan-web-x",
                    p.equals("pt-old") ? T0 : T0.plusSeconds(3600), "available", "CRASH", 1, 1, null, null, List.of()));
            catalog.pointRetentions().markPolicy(p, plan, policy, true);
        }
        problem(409, "BackupPointImmutable", "point pt-old is immutable until it expires at 2026-03-03T00:00:00Z",
                "DELETE", "/api/v1/points/pt-old", null);
        JsonNode retention = ok(200, "GET", "/api/v1/points/pt-old/retention", null).body();
        assertEquals("POLICY", retention.path("origin").asText());
        assertTrue(retention.path("immutable").asBoolean());
        assertEquals("2026-03-03T00:00:00Z", retention.path("expiresAt").asText(), retention.toString());

        problem(400, "InvalidArgument", "extendDays: must be between 1 and 65536, got 0", "POST", "/api/v1/points/pt-old/retention", "{\"extendDays\": 0}");
        problem(400, "InvalidArgument", "extendDays: must be between 1 and 65536, got 65537", "POST", "/api/v1/points/pt-old/retention", "{\"extendDays\": 65537}");
        problem(400, "InvalidArgument", "give exactly one of", "POST", "/api/v1/points/pt-old/retention", "{\"extendDays\": 2, \"neverExpire\": true}");
        problem(400, "InvalidArgument", "maximum retention period is 65536 days", "POST", "/api/v1/points/pt-old/retention", "{\"extendDays\": 65536}");
        JsonNode extended = ok(200, "POST", "/api/v1/points/pt-old/retention", "{\"extendDays\": 2}").body();
        assertEquals("2026-03-05T00:00:00Z", extended.path("expiresAt").asText(), extended.toString());
        assertEquals("AT", extended.path("expiry").path("kind").asText());

        // past its extended expiry the sweep deletes it; the newest point of the protected instance stays
        clock.set(Instant.parse("2026-03-06T00:00:00Z"));
        JsonNode swept = ok(200, "POST", "/api/v1/retention/sweep", null).body();
        assertEquals("[\"pt-old\"]", swept.path("deleted").toString(), swept.toString());
        JsonNode newest = ok(200, "GET", "/api/v1/points/pt-new/retention", null).body();
        assertTrue(newest.path("kept").asBoolean());
        assertNull(newest.path("expiresAt").textValue(), "held by an open-ended rule: no fixed expiry");
        ok(200, "DELETE", "/api/v1/points/pt-new", null); // expired: immutability no longer bars a person

        catalog.points().upsert(new PointRecord("pt-forever", "default", "u-plan-web", "plan-web-x",
                clock.instant(), "available", "CRASH", 1, 1, null, null, List.of()));
        catalog.pointRetentions().markPolicy("pt-forever", plan, policy, true);
        ok(200, "POST", "/api/v1/points/pt-forever/retention", "{\"neverExpire\": true}");
        problem(409, "BackupPointImmutable", "set to never expire", "DELETE", "/api/v1/points/pt-forever", null);
        problem(400, "InvalidArgument", "already never expires", "POST", "/api/v1/points/pt-forever/retention", "{\"neverExpire\": true}");
    }
}
