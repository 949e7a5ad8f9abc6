package coffer.cli;

import coffer.engine.catalog.TestDatabase;
import coffer.testing.MutableClock;
import coffer.server.CofferServer;
import coffer.server.config.ServerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5's "done when", on SQLite and on PostgreSQL, with a real (16 MiB) libvirt domain and the server on a
 * simulated clock: an hourly policy with a one-day retention, bound to the domain through the CLI, runs its
 * slots as real backup jobs (a full, then incrementals); a restart of the server (same data directory and
 * catalog, the clock going on) neither skips nor doubles a run; a suspended plan starts nothing and shows
 * PlanSuspended; after a day of simulated time the expired points are deleted (the newest, an extended and a
 * never-expiring one kept) and the next incremental still succeeds; every policy, plan and point operation and
 * error state goes through the CLI with its exit status and [Code], down to the domain's removal
 * (InstanceReleased with its remedy).
 *
 * <p>Points carry the real time of their backup (docs/design/scheduler.md, "Limits"): the simulated clock starts
 * at the real time, so a point is as old as the simulated time that passed after it.
 */
class PlansCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;
    String domain;
    Path tokenFile;
    String url;
    CofferServer server;
    MutableClock clock;
    @RegisterExtension final LibvirtTestResources resources = new LibvirtTestResources();

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void hourlyPlanRunsOnSimulatedTimeExpiresPointsSurvivesARestartAndEveryErrorStateShows(String database) throws Exception {
        domain = resources.domain(dir, "coffer-plan-", "--size-mb", "16");
        TestDatabase db = resources.closeLater(database.equals("sqlite") ? TestDatabase.sqlite(dir) : TestDatabase.postgres());

        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        clock = new MutableClock(t0);
        ServerConfig config = ServerCliIT.config(dir.resolve("data"), db);
        startServer(config);

        // the policy center: bad values refused with the seed's codes and precise messages, nothing created
        Instant start = t0.plus(Duration.ofHours(1));
        String schedule = "I|" + start.getEpochSecond() + "|PT1H";
        cli("policy", "create", "bad", "--schedule", schedule, "--keep", "forever").fails(2, "PolicyHasPermanentRetention");
        cli("policy", "create", "bad", "--schedule", schedule, "--keep", "1d", "--replica-keep", "7d")
                .fails(2, "NoDestinationRegion").errContains("no destination region");
        cli("policy", "create", "bad", "--start", start.toString(), "--every", "PT30M", "--keep", "1d")
                .fails(2, "InvalidArgument").errContains("the smallest interval is one hour");
        cli("policy", "create", "bad", "--schedule", schedule, "--keep", "7 days")
                .fails(2, "InvalidArgument").errContains("is not a length of time");
        cli("policy", "create", "bad", "--schedule", schedule, "--keep", "65537d")
                .fails(2, "InvalidArgument").errContains("1 to 65536 days");
        cli("policy", "create", "bad", "--schedule", schedule, "--keep", "1d", "--keep-first", "fortnights")
                .fails(2, "InvalidArgument").errContains("'fortnights' is not UNIT:COUNT");
        cli("policy", "create", "bad", "--schedule", "I|" + start.getEpochSecond() + "|P1M", "--keep", "1d")
                .fails(2, "InvalidArgument").errContains("months and years are not schedule intervals");
        assertEquals(0, json(cli("policy", "list", "--output", "json").ok()).path("count").asInt());

        // create, edit, show, list
        cli("policy", "create", "hourly", "--schedule", schedule, "--keep", "3d").ok();
        JsonNode edited = json(cli("policy", "edit", "hourly", "--keep", "1d", "--immutable", "--output", "json").ok());
        assertEquals("1d", edited.path("retention").path("keepFor").asText(), edited.toString());
        assertTrue(edited.path("immutable").asBoolean(), edited.toString());
        JsonNode shown = json(cli("policy", "show", "hourly", "--output", "json").ok());
        assertEquals(schedule, shown.path("schedule").asText(), shown.toString());
        assertEquals("PT1H", shown.path("scheduleInterval").asText(), shown.toString());
        assertEquals("1d", shown.path("retention").path("keepFor").asText());
        cli("policy", "create", "daily", "--start", start.toString(), "--every", "P1D", "--keep", "7d").ok();
        assertTrue(cli("policy", "list").ok().out().contains(schedule));
        assertEquals(2, json(cli("policy", "list", "--output", "json").ok()).path("count").asInt());
        // a policy's restore drills (never bound here: a drill would boot a copy of the domain)
        cli("policy", "create", "drilled", "--schedule", schedule, "--keep", "1d", "--drill-every", "2w",
                "--drill-check", "/bin/systemctl is-system-running").ok();
        assertTrue(cli("policy", "show", "drilled").ok().out().contains("drills:      every 14d, check /bin/systemctl is-system-running"));
        cli("policy", "edit", "drilled", "--drill-check", "relative").fails(2, "InvalidArgument")
                .errContains("drill.check: the command's path must be absolute");
        assertTrue(json(cli("policy", "edit", "drilled", "--drill-every", "off", "--output", "json").ok()).path("drill").isMissingNode(),
                "drills off");
        cli("policy", "delete", "drilled").ok();

        // bind (protects the domain), a second policy only with --replace, a policy in use is not deleted
        JsonNode bound = json(cli("plan", "bind", "hourly", domain, "--name", "web-hourly", "--output", "json").ok())
                .path("plans").get(0);
        assertEquals("active", bound.path("state").asText(), bound.toString());
        Instant firstRun = Instant.parse(bound.path("nextRun").asText());
        assertTrue(!firstRun.isBefore(start) && firstRun.isBefore(start.plusSeconds(601)),
                "the first run is the first slot, moved by at most 10 minutes of stagger: " + bound);
        cli("plan", "bind", "daily", domain).fails(2, "PlanExists").errContains("--replace");
        cli("policy", "delete", "hourly").fails(2, "PolicyInUse");
        assertTrue(json(cli("protection", "list", "--output", "json").ok()).toString().contains(domain));
        assertEquals(1, json(cli("plan", "list", "--output", "json").ok()).path("count").asInt());
        assertTrue(cli("plan", "list").ok().out().contains("web-hourly"));

        // scheduled runs: nothing before the slot, one real backup job at it; a full first, incrementals after
        Map<Instant, List<JsonNode>> runs = new TreeMap<>();
        clock.set(firstRun.minusSeconds(1));
        tick();
        assertEquals(0, planJobs().size(), "no run before its slot");
        JsonNode first = runSlot(runs, firstRun);
        assertEquals("full", first.path("result").path("disks").get(0).path("mode").asText(), first.toString());
        // issue 14, fix 6: a plan's fresh point shows its expiry at once (not only after the next sweep)
        JsonNode fresh = json(cli("point", "show", first.path("result").path("point").asText(), "--output", "json").ok());
        assertFalse(fresh.path("expiresAt").isNull(), fresh.toString());
        Instant slot = firstRun;
        for (int i = 0; i < 2; i++) {
            slot = slot.plus(Duration.ofHours(1));
            assertEquals(slot, nextRun());
            JsonNode job = runSlot(runs, slot);
            assertEquals("incremental", job.path("result").path("disks").get(0).path("mode").asText(), job.toString());
        }

        // restart right after a run, at the same time: the run is not repeated
        restart(config);
        tick();
        assertEquals(runs.size(), planJobs().size(), "no run doubled by a restart: " + planJobs());

        // run now: a job at once, the schedule unchanged
        clock.set(slot.plus(Duration.ofMinutes(20)));
        JsonNode now = json(cli("plan", "run", "web-hourly", "--wait", "--output", "json").ok());
        assertEquals("incremental", now.path("disks").get(0).path("mode").asText(), now.toString());
        assertEquals(slot.plus(Duration.ofHours(1)), nextRun());

        // down over a slot: after the restart that slot runs once, late; then the schedule goes on
        slot = slot.plus(Duration.ofHours(1));
        stopServer();
        clock.set(slot.plus(Duration.ofMinutes(25)));
        startServer(config);
        tick();
        tick();
        JsonNode late = awaitSlot(runs, slot);
        assertEquals(0, late.path("params").path("plan").path("coalesced").asLong(), late.toString());
        slot = slot.plus(Duration.ofHours(1));
        assertEquals(slot, nextRun());
        runSlot(runs, slot);
        tick();
        assertEquals(runs.size() + 1, planJobs().size(), "every slot once, plus the run now: " + runs.keySet());

        // suspended: a due run is not started, the plan shows PlanSuspended with its remedy; run now refused
        JsonNode suspended = json(cli("plan", "suspend", "web-hourly", "--output", "json").ok());
        assertEquals("suspended", suspended.path("state").asText(), suspended.toString());
        slot = slot.plus(Duration.ofHours(1));
        clock.set(slot);
        tick();
        assertEquals(runs.size() + 1, planJobs().size(), "no run while suspended");
        JsonNode plan = json(cli("plan", "show", "web-hourly", "--output", "json").ok());
        assertEquals("PlanSuspended", plan.path("lastOutcome").path("code").asText(), plan.toString());
        assertFalse(plan.path("lastOutcome").path("remedy").asText().isBlank(), plan.toString());
        assertTrue(cli("plan", "show", "web-hourly").ok().out().contains("[PlanSuspended]"));
        cli("plan", "run", "web-hourly").fails(1, "PlanSuspended");
        clock.set(slot.plus(Duration.ofMinutes(5)));
        JsonNode resumed = json(cli("plan", "resume", "web-hourly", "--output", "json").ok());
        assertEquals("active", resumed.path("state").asText(), resumed.toString());
        assertEquals(slot.plus(Duration.ofHours(1)), Instant.parse(resumed.path("nextRun").asText()),
                "resumed from the next slot; the one missed while suspended is not caught up");

        // immutable points: not deleted before they expire, for the admin too; extended by days, or never
        List<String> points = pointIds();
        assertEquals(runs.size() + 1, points.size(), points.toString());
        cli("point", "delete", points.get(0)).fails(1, "BackupPointImmutable");
        JsonNode extended = json(cli("point", "extend", points.get(1), "--days", "2", "--output", "json").ok());
        assertFalse(Instant.parse(extended.path("expiresAt").asText()).isBefore(t0.plus(Duration.ofDays(3))), extended.toString());
        JsonNode never = json(cli("point", "extend", points.get(2), "--never", "--output", "json").ok());
        assertTrue(never.path("expiresAt").isNull(), never.toString());
        cli("point", "extend", points.get(3), "--days", "0").fails(2, "InvalidArgument");
        cli("point", "extend", points.get(3), "--days", "65537").fails(2, "InvalidArgument");

        // a day of simulated time later: the catch-up run folds the missed slots, its sweep deletes every expired
        // point but the extended, the never-expiring and the newest one; the next incremental still succeeds
        Instant dayLater = slot.plus(Duration.ofHours(26));
        clock.set(dayLater.plusSeconds(30));
        tick();
        JsonNode catchUp = awaitSlot(runs, dayLater);
        assertEquals(25, catchUp.path("params").path("plan").path("coalesced").asLong(), catchUp.toString());
        String newest = catchUp.path("result").path("point").asText();
        assertEquals(Set.of(points.get(1), points.get(2), newest), Set.copyOf(pointIds()), "expired points deleted");
        assertEquals(Set.copyOf(pointIds()), vaultPointIds(config), "their manifests are gone from the vault too");
        cli("point", "delete", points.get(0)).fails(4, "PointNotFound");
        slot = dayLater.plus(Duration.ofHours(1));
        JsonNode after = runSlot(runs, slot);
        assertEquals("incremental", after.path("result").path("disks").get(0).path("mode").asText(), after.toString());
        assertEquals(Set.of(points.get(1), points.get(2), after.path("result").path("point").asText()), Set.copyOf(pointIds()),
                "the catch-up point, no longer the newest, expired too");

        // every slot ran once (or was folded into one catch-up, or skipped while suspended): none twice
        runs.forEach((at, jobs) -> assertEquals(1, jobs.size(), "slot " + at + " ran " + jobs.size() + " times"));
        assertEquals(runs.size() + 1, planJobs().size());

        // delete the plan: its points are kept (pinned); a policy no plan uses is deleted
        JsonNode deleted = json(cli("plan", "delete", "web-hourly", "--output", "json").ok());
        assertEquals(3, deleted.path("pointsKept").asInt(), deleted.toString());
        assertEquals(3, pointIds().size());
        assertEquals(0, json(cli("plan", "list", "--output", "json").ok()).path("count").asInt());
        cli("policy", "delete", "daily").ok();

        // stop protection: the instance's plans are deleted, its points kept
        cli("plan", "bind", "hourly", domain).ok();
        cli("protection", "remove", domain).ok();
        assertEquals(0, json(cli("plan", "list", "--output", "json").ok()).path("count").asInt());
        assertFalse(json(cli("protection", "list", "--output", "json").ok()).toString().contains(domain));
        assertEquals(3, pointIds().size());

        // issue 14, fix 10: a point a person extended cannot be deleted before it expires (the seed's rule)
        String manual = json(cli("backup", domain, "--retention-days", "30", "--wait", "--output", "json").ok())
                .path("point").asText();
        cli("point", "extend", manual, "--days", "2").ok();
        cli("point", "delete", manual).fails(1, "BackupPointImmutable").errContains("was extended to");
        assertTrue(cli("point", "retention", manual).ok().out().contains("kept until"));

        // the domain removed: its plan stops with InstanceReleased and the remedy; run now is refused the same way
        JsonNode last = json(cli("plan", "bind", "hourly", domain, "--name", "last", "--output", "json").ok()).path("plans").get(0);
        String removed = ServerCliIT.run(LibvirtTestResources.SCRIPTS.resolve("remove-test-domain").toString(), domain);
        assertTrue(removed.startsWith("ok"), removed);
        domain = null;
        http("POST", "/api/v1/hosts/local/refresh");
        clock.set(Instant.parse(last.path("nextRun").asText()));
        tick();
        JsonNode released = json(cli("plan", "show", "last", "--output", "json").ok());
        assertEquals("stopped", released.path("state").asText(), released.toString());
        assertEquals("InstanceReleased", released.path("lastOutcome").path("code").asText(), released.toString());
        assertTrue(released.path("lastOutcome").path("remedy").asText().startsWith("Stop protection"), released.toString());
        cli("plan", "run", "last").fails(4, "InstanceReleased").errContains("what to do: Stop protection");
        assertEquals(runs.size() + 1, planJobs().size(), "nothing queued for a released instance");
        cli("plan", "delete", "last").ok();
        cli("policy", "delete", "hourly").ok();
        assertEquals(0, json(cli("policy", "list", "--output", "json").ok()).path("count").asInt());
        assertEquals(4, pointIds().size(), "points outlive their plans and policies");
    }

    /** Sets the clock to the slot, ticks, and waits for the one job the slot queued. */
    private JsonNode runSlot(Map<Instant, List<JsonNode>> runs, Instant slot) throws Exception {
        clock.set(slot);
        tick();
        return awaitSlot(runs, slot);
    }

    /** The one backup job queued for the slot, awaited to success and recorded. */
    private JsonNode awaitSlot(Map<Instant, List<JsonNode>> runs, Instant slot) throws Exception {
        List<JsonNode> jobs = planJobs().stream()
                .filter(j -> slot.equals(slotOf(j))).toList();
        assertEquals(1, jobs.size(), "one job for slot " + slot + ": " + jobs);
        JsonNode done = json(cli("job", "wait", jobs.getFirst().path("id").asText(), "--output", "json").ok());
        assertEquals("succeeded", done.path("state").asText(), done.toString());
        runs.computeIfAbsent(slot, s -> new ArrayList<>()).add(done);
        return done;
    }

    private static Instant slotOf(JsonNode job) {
        String slot = job.path("params").path("plan").path("slot").asText();
        return slot.startsWith("now") ? null : Instant.parse(slot);
    }

    /** Backup jobs queued by a plan (scheduled and run now), newest first. */
    private List<JsonNode> planJobs() throws Exception {
        List<JsonNode> jobs = new ArrayList<>();
        for (JsonNode j : json(cli("job", "list", "--type", "backup", "--limit", "500", "--output", "json").ok()).path("jobs")) {
            if (j.path("params").hasNonNull("plan")) {
                jobs.add(j);
            }
        }
        return jobs;
    }

    /** The points in the vault itself, read offline. */
    private static Set<String> vaultPointIds(ServerConfig config) throws Exception {
        ServerConfig.VaultEntry vault = config.vaults().getFirst();
        Set<String> ids = new java.util.HashSet<>();
        json(CliRun.run(vault.keyring(), "point", "list", "--vault", vault.path().toString(), "--output", "json").ok())
                .path("points").forEach(p -> ids.add(p.path("id").asText()));
        return ids;
    }

    private Instant nextRun() throws Exception {
        return Instant.parse(json(cli("plan", "show", "web-hourly", "--output", "json").ok()).path("nextRun").asText());
    }

    private List<String> pointIds() throws Exception {
        List<String> ids = new ArrayList<>();
        json(cli("point", "list", "--output", "json").ok()).path("points").forEach(p -> ids.add(p.path("id").asText()));
        return ids;
    }

    private void tick() {
        server.plans().scheduler().tick();
    }

    private void startServer(ServerConfig config) {
        server = resources.closeLater(CofferServer.start(config, clock));
        url = server.url();
        tokenFile = config.adminTokenFile();
    }

    private void stopServer() throws Exception {
        resources.closeNow(server);
    }

    private void restart(ServerConfig config) throws Exception {
        stopServer();
        startServer(config);
    }

    private String http(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + Files.readString(tokenFile).strip())
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertEquals(200, answer.statusCode(), method + " " + path + ": " + answer.body());
            return answer.body();
        }
    }

    private ServerCliRun cli(String... args) {
        return ServerCliRun.run(url, tokenFile, args);
    }

    private static JsonNode json(CliRun run) throws Exception {
        return JSON.readTree(run.out());
    }
}
