package coffer.server.console;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceDisk;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.instance.TestDomain;
import coffer.testing.Environment;
import coffer.server.TestServer;
import coffer.testing.TestData;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in headless Chromium on a real server: signing in and out, what a viewer and an admin see, a form
 * whose CSRF token was tampered with, a policy form's validation code; and, on a real libvirt domain, the whole
 * flow: create an immutable policy, protect the instance bound to it, run the plan now and watch its job reach
 * "succeeded" without reloading, find the point, see its deletion refused (BackupPointImmutable), restore its disk
 * and compare the restored bytes; then in place over the shut-off instance, a disk as a quick rollback and with "Write
 * every byte", the instance with it, each job's page saying how the disk was written. Screenshots of every page:
 * target/console-screenshots/.
 */
class ConsoleBrowserIT {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    static final Duration JOB = Duration.ofMinutes(3);
    /** The ids (or names) of visible form fields that no label names (label for=, a wrapping label, aria-label). */
    static final String UNLABELLED = """
            return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
              .filter(e => !e.getAttribute('aria-label') && !e.closest('label')
                && !(e.id && document.querySelector('label[for="' + e.id + '"]')))
              .map(e => e.id || e.name);
            """;

    @TempDir Path dir;
    @RegisterExtension final BrowserTests opened = new BrowserTests();
    TestServer server;
    Browser browser;
    TestDomain domain;

    void startServer() throws Exception {
        server = opened.server(TestServer.config(dir, TestDatabase.sqlite(dir).config()));
        browser = opened.browser(server.url());
    }

    @Test
    void signInRolesCsrfAndAPolicyValidationCode() throws Exception {
        startServer();
        Catalog catalog = server.server().catalog();
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.instances().refresh("local", List.of(new Instance("5f0c2a3e-0000-4000-8000-00000000b001", "local",
                "console-web", "running", List.of(new InstanceDisk("vda", "disk", "qcow2", "/images/w.qcow2", 1L << 30,
                1L << 28, null)), T0, false)));
        catalog.points().upsert(new PointRecord("pt-browser", "default", "5f0c2a3e-0000-4000-8000-00000000b001",
                "console-web", T0, "available", "CRASH", 1L << 30, 1L << 20, null, null, List.of(), null, PointRecord.LOCAL_REGION));

        browser.go("/instances");
        assertTrue(browser.driver.getCurrentUrl().endsWith("/login"), "signed out: the sign-in form");
        browser.screenshot("login");
        browser.find("#token").sendKeys("cof_not-a-token");
        browser.find("form[action='/login'] button[type=submit]").click();
        assertEquals("Unauthorized", browser.problemCode());

        browser.signIn(catalog.tokens().create("eve", "viewer").secret());
        assertEquals("eve (viewer)", browser.text("#who"));
        assertFalse(browser.has("#protect"), "a viewer has no protect button");
        assertFalse(browser.driver.getPageSource().contains("/tokens\""), "no tokens page in a viewer's navigation");
        browser.go("/policies");
        assertFalse(browser.has("#new-policy"));
        browser.find("header button[type=submit]").click(); // sign out
        browser.await(Duration.ofSeconds(20), d -> d.getCurrentUrl().endsWith("/login"));

        browser.signIn(server.adminToken());
        assertEquals("admin (admin)", browser.text("#who"));
        assertTrue(browser.has("#protect"), "an admin protects");
        browser.screenshot("instances");

        // a form whose CSRF token is not the session's is refused, and nothing is protected
        browser.find("input[name=instance]").click();
        ((JavascriptExecutor) browser.driver).executeScript(
                "document.querySelector('#protect-form input[name=_csrf]').value = 'forged'");
        browser.find("#protect").click();
        assertEquals("Forbidden", browser.problemCode());
        assertTrue(browser.text("#problem").contains("CSRF"));
        assertTrue(catalog.protections().list().isEmpty());

        browser.go("/policies/new");
        browser.find("#name").sendKeys("keep-forever");
        browser.find("#keepFor").clear();
        browser.find("#keepFor").sendKeys("forever");
        browser.find("#save-policy").click();
        assertEquals("PolicyHasPermanentRetention", browser.problemCode());
        assertTrue(browser.text("#problem .remedy").contains("finite retention"));
        assertEquals("keep-forever", browser.find("#name").getAttribute("value"), "the form as typed");
        browser.screenshot("policy-refused");

        for (String page : List.of("instances", "points", "points/pt-browser", "jobs", "policies", "policies/new", "plans",
                "groups", "capacity", "tokens")) {
            browser.go("/" + page);
            if (!page.equals("points/pt-browser")) { // a catalog-only point: its manifest is in no vault (PointNotFound shown)
                assertFalse(browser.has("#problem"), page + ": " + browser.driver.getPageSource());
            }
            browser.screenshot(page.replace('/', '-'));
            assertEquals(List.of(), ((JavascriptExecutor) browser.driver).executeScript(UNLABELLED), page + ": inputs without a label");
            browser.find("body").sendKeys(Keys.TAB);
            assertEquals("skip", browser.driver.switchTo().activeElement().getAttribute("class"),
                    page + ": the keyboard's first stop is the skip link");
        }
    }

    @Test
    void protectRunAndRestoreARealInstanceWhileTheJobUpdatesInPlace() throws Exception {
        TestDomain.requireLibvirt();
        Environment.requireCommand("qemu-img");
        domain = opened.made(TestDomain.create(dir, Map.of("vda", "qcow2"), 16));
        startServer();
        browser.signIn(server.adminToken());

        browser.go("/policies/new");
        browser.find("#name").sendKeys("locked-daily");
        browser.find("#immutable").click();
        browser.find("#save-policy").click();
        browser.await(Duration.ofSeconds(20), d -> browser.has("#policy-locked-daily"));

        browser.go("/instances");
        browser.find("#instance-" + domain.name + " input[name=instance]").click();
        new Select(browser.find("#policy")).selectByVisibleText("locked-daily");
        browser.find("#protect").click();
        assertTrue(browser.text("#notice").contains("Protected 1 instance(s) and bound them"), browser.text("#notice"));
        assertTrue(browser.has("#instance-" + domain.name + " .badge.yes"), "shown as protected");

        browser.go("/plans");
        browser.screenshot("plans-with-plan");
        browser.driver.findElement(By.xpath("//tr[td[contains(., '" + domain.name + "')]]//button[text()='Run now']")).click();
        String initial = browser.text("#job-state");
        JavascriptExecutor js = (JavascriptExecutor) browser.driver;
        js.executeScript("window.__sameDocument = 'yes'");
        assertTrue(List.of("queued", "running").contains(initial), "the job page opens before the job ends: " + initial);
        browser.await(JOB, d -> List.of("succeeded", "failed", "cancelled").contains(browser.text("#job-state")));
        assertEquals("succeeded", browser.text("#job-state"), browser.driver.getPageSource());
        assertEquals("yes", js.executeScript("return window.__sameDocument"), "the job's page updated without a reload");
        browser.screenshot("job-succeeded");
        String made = browser.text("#job-point");

        browser.go("/points");
        browser.screenshot("points-with-point");
        browser.driver.findElement(By.xpath("//table[@id='points']//tr[td[contains(., '" + domain.name + "')]]//a")).click();
        browser.await(Duration.ofSeconds(20), d -> browser.has("#immutable"));
        assertTrue(browser.text("#immutable").startsWith("yes"));
        browser.screenshot("point");
        String point = browser.driver.getCurrentUrl().replaceAll(".*/points/", "");
        assertEquals(made, point, "the point the job made is the one listed");

        browser.find("#delete-form summary").click();
        browser.find("#delete").click();
        assertEquals("BackupPointImmutable", browser.problemCode());
        assertTrue(browser.text("#problem .remedy").contains("wait for its expiry"));
        browser.screenshot("delete-refused");
        assertTrue(server.server().catalog().points().find(point).isPresent(), "the point is kept");

        Path restored = server.server().config().dataDir().resolve("restores").resolve("vda-restored.raw");
        browser.find("#rd-to").sendKeys(restored.toString());
        new Select(browser.find("#rd-format")).selectByVisibleText("raw");
        browser.find("#restore-disk-form button[type=submit]").click();
        browser.await(JOB, d -> browser.has("#job-state")
                && List.of("succeeded", "failed", "cancelled").contains(browser.text("#job-state")));
        assertEquals("succeeded", browser.text("#job-state"), browser.driver.getPageSource());
        browser.screenshot("restore-succeeded");
        assertTrue(Files.exists(restored));
        assertEquals(domain.sha("vda"), TestData.sha256(restored), "the restored disk is the backed-up disk, bit for bit");

        // in place over the shut-off instance, once a quick rollback (change tracking intact since the point), then
        // with "Write every byte": the job's page says how the disk was written (docs/design/change-tracking.md)
        TestDomain.virsh("destroy", domain.name);
        for (boolean full : new boolean[] {false, true}) {
            browser.go("/points/" + point);
            new Select(browser.find("#rd-disk")).selectByVisibleText("vda");
            browser.find("#rd-inplace").click();
            if (full) {
                browser.find("#rd-full").click();
            }
            browser.find("#restore-disk-form button[type=submit]").click();
            browser.await(JOB, d -> browser.has("#job-state")
                    && List.of("succeeded", "failed", "cancelled").contains(browser.text("#job-state")));
            assertEquals("succeeded", browser.text("#job-state"), browser.driver.getPageSource());
            String written = browser.text("#job-writes");
            assertTrue(full ? written.equals("vda: full write: asked for (full)")
                    : written.startsWith("vda: quick rollback: wrote ") && written.endsWith(" (changed since point " + point + ")"),
                    written);
            assertEquals(domain.sha("vda"), TestDomain.imageSha(domain.disks.get("vda"), dir), "the disk is the point's");
        }
        browser.screenshot("restore-in-place-full");
        browser.go("/points/" + point);
        browser.find("#ri-inplace").click();
        browser.find("#ri-full").click();
        browser.find("#restore-instance-form button[type=submit]").click();
        browser.await(JOB, d -> browser.has("#job-state")
                && List.of("succeeded", "failed", "cancelled").contains(browser.text("#job-state")));
        assertEquals("succeeded", browser.text("#job-state"), browser.driver.getPageSource());
        assertEquals(domain.name + " vda: full write: asked for (full)", browser.text("#job-writes"));
        assertEquals(domain.sha("vda"), TestDomain.imageSha(domain.disks.get("vda"), dir), "the disk is the point's");
    }
}
