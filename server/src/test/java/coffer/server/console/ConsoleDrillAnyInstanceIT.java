package coffer.server.console;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.DrillRun;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drills page's "Run a drill now" reaches every instance, not only those on the page shown (docs/console.md,
 * "Drills"): in Chromium, with 106 instances with points (more than the page's 100), the form's suggestions are the
 * page's instances until a name is typed, then the server's lookup of the instances whose name holds the text
 * ({@code /drills/instances}, the instance list's name filter: {@code ärz} finds {@code ÄRZ-c24}, folded as the catalog
 * folds names); a drill is started for an instance on the second page by its UUID (a suggestion) and for another by
 * its typed name, each opening its job's page for that instance. Before, the form was a list of the page's instances
 * only (checked: this test failed so, no suggestions and no way to name an instance of the second page).
 */
class ConsoleDrillAnyInstanceIT {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final String HOST = "console24-drill";

    @TempDir Path dir;
    @RegisterExtension final BrowserTests opened = new BrowserTests();

    @Test
    void aDrillStartsForAnInstanceNotOnThePageShown() throws Exception {
        TestDatabase database = TestDatabase.sqlite(dir);
        List<Instance> rows = new ArrayList<>();
        try (Catalog before = Catalog.open(database.config())) {
            before.hosts().ensure(HOST, "qemu+ssh://console24-drill.invalid/system");
            for (int i = 0; i < 105; i++) {
                rows.add(new Instance(String.format("5f0c2a3e-2424-4000-8000-%012d", i), HOST,
                        String.format("c24-vm-%03d", i), "shutoff", List.of(), T0, false));
            }
            rows.add(new Instance("5f0c2a3e-2424-4000-8000-999999999999", HOST, "ÄRZ-c24", "shutoff", List.of(), T0, false));
            before.instances().refresh(HOST, rows);
            for (Instance instance : rows) {
                String point = "pt-" + instance.id();
                before.points().upsert(new PointRecord(point, "default", instance.id(), instance.name(), T0, "available",
                        "CRASH", 10, 1, null, null, List.of(new PointRecord.PointDisk("vda", 10, 1)), null,
                        PointRecord.LOCAL_REGION));
                before.drillRuns().record(new DrillRun("dr-" + instance.id(), instance.id(), point, "default", T0,
                        T0.plusSeconds(60), true, null, null, null, null, null, null, null, null));
            }
        }
        Instance late = rows.get(104);
        Instance folded = rows.get(105);
        TestServer server = opened.server(TestServer.config(dir.resolve("data"), database.config()));
        Browser browser = opened.browser(server.url());
        browser.signIn(server.adminToken());

        browser.go("/drills");
        browser.await(Duration.ofSeconds(20), d -> browser.has("#drill-form"));
        assertTrue(browser.has("#drills-" + rows.getFirst().id()), "the first page");
        assertFalse(browser.has("#drills-" + late.id()) || browser.has("#drills-" + folded.id()), "not on the first page");
        assertEquals(100, options(browser).size(), "suggested at first: the page's instances, no more");

        browser.find("#d-instance").sendKeys("vm-104");
        browser.await(Duration.ofSeconds(20), d -> options(browser).equals(List.of(late.id())));
        assertEquals("c24-vm-104 (" + HOST + ")", browser.find("#d-instances option").getAttribute("textContent"),
                "a suggestion shows the instance's name and host");
        browser.find("#d-instance").clear();
        browser.find("#d-instance").sendKeys(late.id()); // the suggestion's value, as picking it sets
        startDrill(browser, late);

        browser.go("/drills");
        browser.await(Duration.ofSeconds(20), d -> browser.has("#drill-form"));
        browser.find("#d-instance").sendKeys("ärz");
        browser.await(Duration.ofSeconds(20), d -> options(browser).equals(List.of(folded.id())));
        browser.find("#d-instance").clear();
        browser.find("#d-instance").sendKeys(folded.name()); // a typed name, looked up by the server
        startDrill(browser, folded);
        browser.screenshot("drill-any-instance");
    }

    /** Submits the drill form and checks that its job's page is a drill of {@code instance}. */
    private static void startDrill(Browser browser, Instance instance) {
        browser.find("#drill").click();
        browser.await(Duration.ofSeconds(20), d -> d.getCurrentUrl().matches(".*/jobs/[^/?]+$") && browser.has("#job-target"));
        String target = browser.text("#job-target");
        assertTrue(target.contains(instance.name()) && target.contains(instance.id()), target);
        assertTrue(browser.driver.getPageSource().contains(">drill<"), "a drill job");
    }

    /** The values of the drill form's suggestions. */
    private static List<String> options(Browser browser) {
        return browser.driver.findElements(By.cssSelector("#d-instances option")).stream()
                .map(o -> o.getAttribute("value")).toList();
    }
}
