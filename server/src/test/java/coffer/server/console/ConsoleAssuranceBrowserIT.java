package coffer.server.console;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.ReplicationRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.instance.TestDomain;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.server.TestServer;
import coffer.testing.Environment;
import coffer.testing.TestData;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The assurance and region pages in headless Chromium on a real server with two regions (ConsoleAssurancePagesIT's:
 * west with the vault {@code default} and the host, east with {@code east-vault}): an operator acknowledges a change
 * alert; a viewer sees no acknowledge, verify, replicate or restore buttons and a form it forges is refused
 * (Forbidden, requires operator) with nothing changed; and on a real libvirt domain backed up through the API, an admin
 * replicates the point to east from its page, the replica is listed under the region filter east and the point's
 * replication shows DONE; the point is restored in east from its page (disaster recovery: from the replica, on east's
 * host, no network, the disk bit for bit); and a full verify started from the console reaches succeeded and is listed
 * with the chunks it checked. Screenshots in target/console-screenshots/ (assurance-*).
 */
class ConsoleAssuranceBrowserIT {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    static final String WEB = "5f0c2a3e-0000-4000-8000-00000000d001";
    static final Duration JOB = Duration.ofMinutes(3);
    static final List<String> ENDED = List.of("succeeded", "failed", "cancelled");

    @TempDir Path dir;
    @RegisterExtension final BrowserTests opened = new BrowserTests();
    TestServer server;
    Browser browser;
    TestDomain domain;

    void startServer() throws Exception {
        startServer(ConsoleAssurancePagesIT.twoRegions(dir, TestDatabase.sqlite(dir).config()));
    }

    void startServer(coffer.server.config.ServerConfig config) throws Exception {
        server = opened.server(config);
        browser = opened.browser(server.url());
    }

    void signOut() {
        browser.find("header button[type=submit]").click();
        browser.await(Duration.ofSeconds(20), d -> d.getCurrentUrl().endsWith("/login"));
    }

    @Test
    void anOperatorAcknowledgesAnAlertAndAViewersForgedAcknowledgementIsRefused() throws Exception {
        startServer();
        Catalog catalog = server.server().catalog();
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.instances().refresh("local", List.of(new Instance(WEB, "local", "web-b", "running", List.of(), T0, false)));
        catalog.points().upsert(new PointRecord("pt-held", "default", WEB, "web-b", T0, "available", "CRASH", 1L << 30,
                1L << 20, null, null, List.of(), null, "west"));
        catalog.changeAlerts().raise(new ChangeAlert("al-b", WEB, "pt-held", T0, ChangeAlert.Kind.ENTROPY, 0.98, 0.4,
                T0.plusSeconds(60), null, null, null, null));

        browser.signIn(catalog.tokens().create("vera", "viewer").secret());
        browser.go("/alerts");
        assertTrue(browser.text("#alert-al-b .alert-state").startsWith("standing"));
        assertFalse(browser.has("#alert-al-b button.ack"), "a viewer has no acknowledge button");
        browser.go("/verify");
        assertFalse(browser.has("#verify"), "a viewer has no verify button");
        browser.screenshot("assurance-alerts-viewer");
        // a viewer who builds the operator's form itself (with its own session's CSRF token) is refused by the server
        browser.go("/alerts");
        ((JavascriptExecutor) browser.driver).executeScript("""
                const f = document.createElement('form');
                f.method = 'post'; f.action = '/alerts/al-b/acknowledge';
                const csrf = document.createElement('input');
                csrf.type = 'hidden'; csrf.name = '_csrf'; csrf.value = document.querySelector('input[name=_csrf]').value;
                f.appendChild(csrf); document.body.appendChild(f); f.submit();""");
        assertEquals("Forbidden", browser.problemCode());
        assertTrue(browser.text("#problem").contains("requires operator"), browser.text("#problem"));
        assertNull(catalog.changeAlerts().find("al-b").orElseThrow().acknowledgedAt(), "the alert still stands");
        browser.go("/alerts");
        signOut();

        browser.signIn(catalog.tokens().create("olga", "operator").secret());
        browser.go("/alerts");
        browser.find("#note-al-b").sendKeys("the nightly re-encryption");
        browser.find("#alert-al-b button.ack").click();
        assertTrue(browser.text("#notice").contains("Alert al-b acknowledged by olga"), browser.text("#notice"));
        assertFalse(browser.has("#alert-al-b"), "no longer among the standing alerts");
        ChangeAlert acknowledged = catalog.changeAlerts().find("al-b").orElseThrow();
        assertEquals("olga", acknowledged.acknowledgedBy());
        assertEquals("the nightly re-encryption", acknowledged.note());
        new Select(browser.find("#f-instance")).selectByVisibleText("web-b");
        browser.find("form.filters button[type=submit]").click();
        assertTrue(browser.text("#alert-al-b .alert-state").startsWith("acknowledged by olga"));
        browser.screenshot("assurance-alerts-acknowledged");
        for (String page : List.of("verify", "drills", "reclaims", "regions")) {
            browser.go("/" + page);
            assertFalse(browser.has("#problem"), page + ": " + browser.driver.getPageSource());
            assertEquals(List.of(), ((JavascriptExecutor) browser.driver).executeScript(ConsoleBrowserIT.UNLABELLED),
                    page + ": inputs without a label");
            browser.screenshot("assurance-" + page);
        }
    }

    @Test
    void aPointReplicatedFromItsPageIsListedInTheOtherRegionAndRestoredThereAndAVerifyStartedHereSucceeds() throws Exception {
        TestDomain.requireLibvirt();
        Environment.requireCommand("qemu-img");
        domain = opened.made(TestDomain.create(dir, Map.of("vda", "qcow2"), 16));
        domain.write("vda", 1 << 20, 2 << 20, 0x5c);
        // east has a host too, the disaster recovery's destination: this machine's libvirtd again, as a second site, by
        // another URI (the catalog knows a host by its URI: the same one twice would be one host)
        startServer(ConsoleAssurancePagesIT.twoRegions(dir, TestDatabase.sqlite(dir).config(), List.of(
                new coffer.server.config.ServerConfig.HostEntry("local", "qemu:///system", "west"),
                new coffer.server.config.ServerConfig.HostEntry("east-1", "qemu+unix:///system", "east"))));
        Catalog catalog = server.server().catalog();
        TestServer.Answer backup = server.admin("POST", "/api/v1/instances/" + domain.name + "/backups", "{}");
        assertEquals(202, backup.status(), backup.text());
        Job made = awaitJob(catalog, backup.body().path("id").asText());
        assertEquals(JobState.succeeded, made.state(), made.errorCode() + ": " + made.errorMessage());
        String point = made.result().path("point").asText();

        browser.signIn(catalog.tokens().create("vic", "viewer").secret());
        browser.go("/points/" + point);
        assertEquals("west", browser.text("#point-region"));
        assertFalse(browser.has("#replicate-form") || browser.has("#dr-form"), "a viewer has no replicate or restore form");
        signOut();

        browser.signIn(server.adminToken());
        browser.go("/points/" + point);
        assertTrue(browser.text("#replications").contains("not replicated"));
        assertTrue(browser.text("#proven-bootable").startsWith("not yet"));
        assertEquals(List.of(), ((JavascriptExecutor) browser.driver).executeScript(ConsoleBrowserIT.UNLABELLED),
                "the point page's forms: inputs without a label");
        browser.screenshot("assurance-point");
        new Select(browser.find("#rp-region")).selectByValue("east");
        browser.find("#replicate").click();
        awaitJobPage(catalog);
        assertEquals("succeeded", browser.text("#job-state"), browser.driver.getPageSource());
        browser.screenshot("assurance-replicated");

        ReplicationRecord done = catalog.replications().find(point, "east", "east-vault").orElseThrow();
        assertEquals(ReplicationRecord.State.DONE, done.state());
        browser.go("/points/" + point);
        assertEquals("DONE", browser.text("#replication-east-east-vault .replication-state"));
        browser.go("/points");
        new Select(browser.find("#f-region")).selectByVisibleText("east");
        browser.find("form.filters button[type=submit]").click();
        browser.await(Duration.ofSeconds(20), d -> d.getCurrentUrl().contains("region=east"));
        assertTrue(browser.text("#points caption").startsWith("1 point(s)"), browser.text("#points caption"));
        String replicaRow = browser.driver.findElement(By.cssSelector("#points tbody tr")).getText();
        assertTrue(replicaRow.contains(done.replicaId()) && replicaRow.contains(domain.name) && replicaRow.contains("east"),
                replicaRow);
        browser.screenshot("assurance-points-east");

        // disaster recovery from the point's page: restored in east from the replica there, with no network, as raw
        String restored = "coffer-it-dr-" + domain.name.substring("coffer-it-".length());
        opened.made(() -> { // the disaster recovery's instance, never started; its disk is under the temporary directory
            try {
                TestDomain.virsh("undefine", restored);
            } catch (IllegalStateException notDefined) {
                // the test failed before the restore defined it
            }
        });
        Path restores = server.server().config().dataDir().resolve("restores");
        browser.go("/points/" + point);
        new Select(browser.find("#dr-region")).selectByValue("east");
        browser.find("#dr-name").sendKeys(restored);
        browser.find("#dr-nonet").click();
        new Select(browser.find("#dr-format")).selectByVisibleText("raw");
        browser.find("#dr-dir").sendKeys(restores.toString());
        browser.find("#restore-in-region").click();
        awaitJobPage(catalog);
        assertEquals("succeeded", browser.text("#job-state"), browser.driver.getPageSource());
        Job recovery = catalog.jobs().find(browser.driver.getCurrentUrl().replaceAll(".*/jobs/", "")).orElseThrow();
        assertEquals(done.replicaId(), recovery.result().path("point").asText(), "restored from the replica in east");
        assertEquals("east-1", recovery.hostId(), "on east's host");
        assertEquals("", TestDomain.virsh("domiflist", restored).lines().skip(2).filter(l -> !l.isBlank())
                .reduce("", String::concat), "no network interface");
        Path disk = Path.of(recovery.result().path("disks").path("vda").asText());
        assertTrue(disk.startsWith(restores), disk.toString());
        assertEquals(domain.sha("vda"), TestData.sha256(disk), "the recovered disk is the backed-up disk, bit for bit");
        browser.screenshot("assurance-recovered");

        browser.go("/verify");
        new Select(browser.find("#v-vault")).selectByValue("default");
        new Select(browser.find("#v-kind")).selectByVisibleText("FULL");
        browser.find("#verify").click();
        awaitJobPage(catalog);
        assertEquals("succeeded", browser.text("#job-state"), browser.driver.getPageSource());
        browser.go("/verify");
        String run = browser.driver.findElement(By.cssSelector("#verify-runs tbody tr")).getText();
        assertTrue(run.contains("default") && run.contains("FULL"), run);
        long checked = catalog.verifyRuns().recent("default", 1).getFirst().chunksChecked();
        assertTrue(checked > 0, "the verify read the point's chunks: " + checked);
        assertTrue(browser.driver.findElement(By.cssSelector("#verify-runs tbody tr.clean")).getText().contains(
                String.valueOf(checked)), "no damage, and the chunks it checked");
        browser.screenshot("assurance-verify");
    }

    /**
     * The job page the browser went to, once its job ended (the page refreshes its part in place: an element read while
     * it is swapped is read again); the page and the jobs when it does not.
     */
    private void awaitJobPage(Catalog catalog) {
        try {
            browser.await(JOB, d -> {
                try {
                    return browser.has("#job-state") && ENDED.contains(browser.text("#job-state"));
                } catch (org.openqa.selenium.StaleElementReferenceException swapped) {
                    return false;
                }
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("no ended job at " + browser.driver.getCurrentUrl() + "; jobs: "
                    + catalog.jobs().page(new coffer.engine.job.Jobs.Filter(null, null, null, null, null, null, null, 20, null)
                    ).items() + "\n" + browser.driver.getPageSource(), e);
        }
    }

    private static Job awaitJob(Catalog catalog, String id) throws InterruptedException {
        Instant until = Instant.now().plus(JOB);
        while (Instant.now().isBefore(until)) {
            Job job = catalog.jobs().find(id).orElseThrow();
            if (job.state().isFinal()) {
                return job;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + id + " did not end within " + JOB);
    }
}
