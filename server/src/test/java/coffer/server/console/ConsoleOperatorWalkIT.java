package coffer.server.console;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.Jobs;
import coffer.engine.operation.RestoreDisk;
import coffer.server.TestServer;
import coffer.server.config.ServerConfig;
import coffer.testing.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rough edges of session 21's walk through the console as a new operator (docs/console.md, "An operator's walk"),
 * over HTTP, each failing without its fix (checked): an empty list says what to do; a refusal's "What to do" names the
 * console's pages, not the command line's commands ({@code 'coffer token create'}, {@code --replace}); a failed job's
 * page says what to do about its code and, ended, no rate or time left; the jobs list pages to older jobs instead of stopping at the newest 200; a
 * domain defined since the server looked is listed on request ("Look for new instances", an operator's), and a
 * protected instance without a plan is bound to a policy from its row; its job is listed with its name.
 */
class ConsoleOperatorWalkIT {
    private static final Pattern JOB_ROW = Pattern.compile("<tr id=\"job-([^\"]+)\">");
    private static final Pattern NEXT = Pattern.compile("<a href=\"([^\"]+)\" rel=\"next\">");

    @TempDir Path dir;
    @RegisterExtension final BrowserTests opened = new BrowserTests();

    @Test
    void emptyListsSayWhatToDoAndRefusalsNameTheConsolesPages() throws Exception {
        ServerConfig base = TestServer.config(dir.resolve("data"), TestDatabase.sqlite(dir).config());
        ServerConfig noHosts = new ServerConfig(base.dataDir(), base.address(), 0, null, base.catalog(), base.vaults(), List.of(),
                base.limits());
        TestServer server = opened.server(noHosts);
        ConsoleClient admin = new ConsoleClient(server.url());
        assertEquals(303, admin.signIn(server.adminToken()).status());

        Map<String, String> hints = Map.of(
                "/instances", "Look for new instances",
                "/points", "No backup points yet: protect an instance on Instances",
                "/jobs", "No jobs yet:",
                "/policies", "No policies yet:",
                "/plans", "No plans yet:",
                "/groups", "No consistency groups yet:",
                "/alerts", "No standing alerts");
        for (var hint : hints.entrySet()) {
            ConsoleClient.Page page = admin.get(hint.getKey());
            assertEquals(200, page.status(), hint.getKey());
            assertTrue(page.body().contains("id=\"empty\""), hint.getKey() + " has no empty state: " + page.body());
            assertTrue(page.body().contains(hint.getValue()), hint.getKey() + " does not say '" + hint.getValue() + "': " + page.body());
        }
        ConsoleClient.Page filtered = admin.get("/points?consistency=APPLICATION");
        assertTrue(filtered.body().contains("No backup point matches these filters."), filtered.body());

        // revoking the last admin token: refused, and what to do is said in the console's words
        String adminId = server.server().catalog().tokens().list().stream().filter(t -> t.role().equals("admin")).findFirst()
                .orElseThrow().id();
        String csrf = admin.get("/tokens").csrf();
        ConsoleClient.Page revoke = admin.post("/tokens/" + adminId + "/revoke", "_csrf", csrf, "back", "/tokens");
        assertEquals(303, revoke.status(), revoke.body());
        String refused = admin.get("/tokens").body();
        assertTrue(refused.contains("<span class=\"code\">LastAdminToken</span>"), refused);
        assertTrue(refused.contains("What to do: " + ConsoleRemedies.of(ErrorCode.LastAdminToken)), refused);
        assertTrue(refused.contains("(Tokens, role admin)"), refused);
        assertFalse(refused.contains("coffer token create"), refused);
    }

    @Test
    void noRemedyTheConsoleShowsNamesACommandLineCommandOrOption() {
        for (ErrorCode code : ErrorCode.values()) {
            String remedy = ConsoleRemedies.of(code);
            assertFalse(remedy.contains("'coffer ") || ConsoleRemedies.namesTheCommandLine(remedy), code + ": " + remedy);
        }
        assertTrue(ConsoleRemedies.namesTheCommandLine(ErrorCode.PlanExists.remedy()), "the check finds --replace");
        assertTrue(ConsoleRemedies.namesTheCommandLine(ErrorCode.PointNotFound.remedy()), "the check finds 'coffer point list'");
        assertEquals(ErrorCode.InvalidArgument.remedy(), ConsoleRemedies.of(ErrorCode.InvalidArgument), "others keep their words");
    }

    @Test
    void jobsArePagedToTheOldestAndAFailedJobSaysWhatToDo() throws Exception {
        TestDatabase database = TestDatabase.sqlite(dir);
        Set<String> made = new HashSet<>();
        String failed;
        // 230 finished jobs (more than the 200 the list showed), stored before the server starts so that no runner takes them
        try (Catalog before = Catalog.open(database.config())) {
            before.hosts().ensure("local", "qemu:///system");
            failed = null;
            for (int i = 0; i < 230; i++) {
                Job job = before.jobs().submit(new RestoreDisk("pt-console21-" + i, "vda", null, null, true, false), "local");
                assertEquals(job.id(), before.jobs().claimNext("w-console21", 8, Instant.now()).orElseThrow().id());
                boolean fail = i == 3;
                if (fail) { // it had read some of its bytes at a rate when it failed
                    before.jobs().progress(job.id(), 64L << 20, 1L << 30, 123L << 20, 8);
                }
                assertTrue(before.jobs().finish(job.id(), "w-console21", fail
                        ? new Jobs.Outcome(JobState.failed, null, "PointNotFound", "no point 'pt-console21-3'")
                        : new Jobs.Outcome(JobState.succeeded, null, null, null), Instant.now()));
                failed = fail ? job.id() : failed;
                made.add(job.id());
            }
        }
        TestServer server = opened.server(TestServer.config(dir.resolve("data"), database.config()));
        ConsoleClient admin = new ConsoleClient(server.url());
        assertEquals(303, admin.signIn(server.adminToken()).status());

        Set<String> seen = new HashSet<>();
        String path = "/jobs";
        int pages = 0;
        while (path != null) {
            ConsoleClient.Page page = admin.get(path.replace("&amp;", "&"));
            assertEquals(200, page.status(), path + ": " + page.body());
            Matcher row = JOB_ROW.matcher(page.body());
            int rows = 0;
            while (row.find()) {
                assertTrue(seen.add(row.group(1)), "job " + row.group(1) + " listed twice");
                rows++;
            }
            assertTrue(rows <= 100, path + ": " + rows + " rows on one page");
            pages++;
            if (pages == 2) { // the table's refresh of a later page is that page
                Matcher table = Pattern.compile("hx-get=\"([^\"]+)\"").matcher(page.body());
                assertTrue(table.find(), page.body());
                assertEquals(ids(page.body()), ids(admin.get(table.group(1).replace("&amp;", "&")).body()), table.group(1));
            }
            Matcher next = NEXT.matcher(page.body());
            path = next.find() ? next.group(1) : null;
        }
        // the server's own jobs (its first start's) are listed too
        assertTrue(seen.containsAll(made), "every job on one of " + pages + " pages: " + seen.size() + " seen");
        assertEquals((seen.size() + 99) / 100, pages, seen.size() + " jobs");

        String job = admin.get("/jobs/" + failed).body();
        assertTrue(job.contains("<span class=\"code\">PointNotFound</span>"), job);
        assertTrue(job.contains("id=\"job-remedy\">What to do: " + ConsoleRemedies.of(ErrorCode.PointNotFound)), job);
        assertFalse(job.contains("coffer point list"), job);
        // an ended job has no rate and no time left (a cancelled backup said "123.0 MiB/s, 8s left")
        assertTrue(job.contains("64.0 MiB of 1.0 GiB"), job);
        assertFalse(job.contains("/s,") || job.contains(" left") || job.contains("job-rate"), job);
    }

    @Test
    void aDomainDefinedSinceTheServerLookedIsListedOnRequest() throws Exception {
        Environment.requireCommand("virsh");
        TestServer server = opened.server(TestServer.config(dir.resolve("data"), TestDatabase.sqlite(dir).config()));
        String name = "coffer-console21-refresh-" + UUID.randomUUID().toString().substring(0, 8);
        String uuid = opened.made(BareDomain.define(dir, name)).uuid();

        // a viewer may not ask; an operator may, and the domain is listed
        var viewerToken = server.server().catalog().tokens().create("viewer-console21", "viewer").secret();
        ConsoleClient viewer = new ConsoleClient(server.url());
        assertEquals(303, viewer.signIn(viewerToken).status());
        ConsoleClient.Page instances = viewer.get("/instances");
        assertFalse(instances.body().contains("id=\"refresh\""), "no button for a viewer");
        ConsoleClient.Page refused = viewer.post("/instances/refresh", "_csrf", instances.csrf(), "back", "/instances");
        assertEquals(403, refused.status(), refused.body());
        assertTrue(refused.body().contains("Forbidden"), refused.body());

        var operatorToken = server.server().catalog().tokens().create("operator-console21", "operator").secret();
        ConsoleClient operator = new ConsoleClient(server.url());
        assertEquals(303, operator.signIn(operatorToken).status());
        ConsoleClient.Page page = operator.get("/instances");
        assertTrue(page.body().contains("id=\"refresh\""), page.body());
        ConsoleClient.Page looked = operator.post("/instances/refresh", "_csrf", page.csrf(), "back", "/instances");
        assertEquals(303, looked.status(), looked.body());
        assertEquals("/instances", looked.location());
        String after = operator.get("/instances").body();
        assertTrue(after.contains("Looked for instances on 1 host(s)."), after);
        TestServer.Answer listed = server.admin("GET", "/api/v1/instances/" + uuid, null);
        assertEquals(200, listed.status(), listed.text());
        assertEquals(name, listed.body().path("name").asText());
        assertNull(listed.body().get("error"));

        // protected without a policy, then bound to one from its row (the plans page pointed here; only the CLI could)
        assertEquals(303, operator.post("/instances/protect", "_csrf", page.csrf(), "instance", uuid, "disks-choice", "all",
                "back", "/instances").status());
        TestServer.Answer policy = server.admin("POST", "/api/v1/policies", "{\"name\": \"pol-console21\", \"schedule\":"
                + " \"I|1790000000|PT1H\", \"retention\": {\"keepFor\": \"1d\"}}");
        assertEquals(201, policy.status(), policy.text());
        String path = "/instances";
        boolean offered = false;
        while (path != null && !offered) {
            String body = operator.get(path.replace("&amp;", "&")).body();
            offered = body.contains("id=\"bind-" + uuid + "\"") && body.contains("form=\"bind-" + uuid + "\">Bind</button>");
            Matcher next = NEXT.matcher(body);
            path = next.find() ? next.group(1) : null;
        }
        assertTrue(offered, "a protected instance without a plan is offered a policy to bind");
        ConsoleClient.Page bound = operator.post("/instances/" + uuid + "/bind", "_csrf", page.csrf(),
                "policy", policy.body().path("id").asText(), "back", "/instances");
        assertEquals(303, bound.status(), bound.body());
        assertTrue(operator.get("/instances").body().contains("Bound to policy pol-console21"), "the notice says so");
        TestServer.Answer plans = server.admin("GET", "/api/v1/plans?instance=" + uuid, null);
        assertEquals(200, plans.status(), plans.text());
        assertEquals(1, plans.body().path("plans").size(), plans.text());
        assertEquals("pol-console21", plans.body().path("plans").get(0).path("policyName").asText(), plans.text());
        // its job is listed and shown with the instance's name, not its UUID alone
        ConsoleClient.Page backup = operator.post("/instances/" + uuid + "/backup", "_csrf", page.csrf(), "back", "/instances");
        assertEquals(303, backup.status(), backup.body());
        assertTrue(backup.location().startsWith("/jobs/"), backup.location());
        String jobId = backup.location().substring("/jobs/".length());
        assertTrue(operator.get(backup.location()).body().contains("<dd id=\"job-target\">" + name + " <small>(" + uuid + ")</small>"),
                "the job's page names the instance");
        String row = operator.get("/jobs").body().replaceAll("(?s).*(<tr id=\"job-" + jobId + "\">.*?</tr>).*", "$1");
        assertTrue(row.contains("<td>" + name + "</td>"), row);
        ConsoleClient.Page viewerBind = viewer.post("/instances/" + uuid + "/bind", "_csrf", instances.csrf(), "policy",
                policy.body().path("id").asText(), "back", "/instances");
        assertEquals(403, viewerBind.status(), viewerBind.body());
    }

    private static List<String> ids(String body) {
        List<String> ids = new java.util.ArrayList<>();
        Matcher row = JOB_ROW.matcher(body);
        while (row.find()) {
            ids.add(row.group(1));
        }
        return ids;
    }
}
