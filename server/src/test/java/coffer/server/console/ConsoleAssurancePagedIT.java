package coffer.server.console;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.DrillRun;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.catalog.VerifyRun;
import coffer.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's verification and drills pages are paged as the exports, mounts and alerts are (docs/console.md): 100
 * a page through the API's cursors (ListVerifyRuns newest first, ListDrills by instance name), "Older runs" and "Next
 * page" to the next page, back to the first with "Newest runs" and "First page". In Chromium, with 130
 * verify runs (two of each finish time) and 105 instances with points and drills stored before the server starts:
 * every run and every instance is listed once over two pages, in order. Before, the verification page showed the
 * newest 50 runs of each vault and the drills page every instance at once, without pages (checked: this test failed
 * so, no "Older runs" link).
 */
class ConsoleAssurancePagedIT {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final String HOST = "console23-paged";

    @TempDir Path dir;
    @RegisterExtension final BrowserTests opened = new BrowserTests();

    @Test
    void verifyRunsAndDrillsArePaged() throws Exception {
        TestDatabase database = TestDatabase.sqlite(dir);
        List<String> runs = new ArrayList<>();
        List<String> instances = new ArrayList<>();
        try (Catalog before = Catalog.open(database.config())) {
            for (int i = 0; i < 130; i++) {
                String id = String.format("vr-c23-%03d", i);
                before.verifyRuns().record(new VerifyRun(id, "default", VerifyRun.Kind.FULL, 0, 1,
                        T0.plusSeconds(i / 2 * 60L), T0.plusSeconds(i / 2 * 60L + 30), 1, 1, 1, 0, List.of(), 0, null, null));
                runs.add(id);
            }
            before.hosts().ensure(HOST, "qemu+ssh://console23-paged.invalid/system");
            List<Instance> rows = new ArrayList<>();
            for (int i = 0; i < 105; i++) {
                rows.add(new Instance(String.format("5f0c2a3e-2323-4000-8000-%012d", i), HOST,
                        String.format("c23-vm-%03d", i), "shutoff", List.of(), T0, false));
            }
            before.instances().refresh(HOST, rows);
            for (Instance instance : rows) {
                String point = "pt-" + instance.name();
                before.points().upsert(new PointRecord(point, "default", instance.id(), instance.name(), T0, "available",
                        "CRASH", 10, 1, null, null, List.of(new PointRecord.PointDisk("vda", 10, 1)), null,
                        PointRecord.LOCAL_REGION));
                before.drillRuns().record(new DrillRun("dr-" + instance.name(), instance.id(), point, "default", T0,
                        T0.plusSeconds(60), true, null, null, null, null, null, null, null, null));
                instances.add(instance.id());
            }
        }
        TestServer server = opened.server(TestServer.config(dir.resolve("data"), database.config()));
        Browser browser = opened.browser(server.url());
        browser.signIn(server.adminToken());

        List<List<String>> runPages = pages(browser, "/verify", "#verify-runs tbody tr", "verify-", "Older runs",
                "Newest runs");
        // the server's own verify of its vault at start may add a run: 130 or 131 over two pages
        assertEquals(2, runPages.size(), runPages.toString());
        assertEquals(100, runPages.getFirst().size());
        List<String> listed = runPages.stream().flatMap(List::stream).toList();
        assertEquals(listed.size(), Set.copyOf(listed).size(), "each run once");
        assertEquals(runs.reversed(), listed.stream().filter(id -> id.startsWith("vr-c23-")).toList(),
                "newest first, by id in a time");

        List<List<String>> drillPages = pages(browser, "/drills", "table[id^=drills-]", "drills-", "Next page",
                "First page");
        assertEquals(List.of(100, 5), drillPages.stream().map(List::size).toList());
        assertEquals(instances, drillPages.stream().flatMap(List::stream).toList(), "by name, each once");
        assertTrue(browser.has("#drill-dr-c23-vm-104"), "the last page's instance with its drill");
        browser.find("a[rel=first]").click();
        browser.await(Duration.ofSeconds(20), d -> browser.has("#drills-" + instances.getFirst()));
        browser.screenshot("paged-drills-first");
    }

    /**
     * Each page's ids (without {@code prefix}) of the elements {@code rows} from {@code path}, following the link
     * {@code next} to the last page; past the first page a link {@code first} leads back.
     */
    private static List<List<String>> pages(Browser browser, String path, String rows, String prefix, String next,
                                            String first) {
        browser.go(path);
        List<List<String>> pages = new ArrayList<>();
        while (true) {
            browser.await(Duration.ofSeconds(20), d -> browser.has("h1"));
            pages.add(browser.driver.findElements(By.cssSelector(rows)).stream()
                    .map(r -> r.getAttribute("id").substring(prefix.length())).toList());
            List<WebElement> firstLink = browser.driver.findElements(By.cssSelector("a[rel=first]"));
            assertEquals(pages.size() > 1, !firstLink.isEmpty(), "a link to the first page past the first page");
            firstLink.forEach(link -> assertEquals(first, link.getText()));
            List<WebElement> nextLink = browser.driver.findElements(By.cssSelector("a[rel=next]"));
            if (nextLink.isEmpty()) {
                return pages;
            }
            assertEquals(next, nextLink.getFirst().getText());
            String before = browser.driver.getCurrentUrl();
            nextLink.getFirst().click();
            browser.await(Duration.ofSeconds(20), d -> !d.getCurrentUrl().equals(before));
        }
    }
}
