package coffer.server.console;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceDisk;
import coffer.engine.catalog.MountRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.Jobs;
import coffer.engine.operation.ExportFiles;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's lists of exports, mounts and change alerts are paged as the jobs list is (docs/console.md): 100 a page,
 * newest first, "Older …" to the next page and "Newest …" back, through the API's cursors (ListExports, ListMounts,
 * ListAlerts: the catalog's keyset pages). In Chromium, with 120 export records, 105 ended mounts and 130 standing
 * alerts stored before the server starts: every record is listed once over two pages, the newest on the first; an
 * alert acknowledged on the second page comes back to that page. Before, the exports page showed the newest 100 and the
 * alerts page the newest 200, with no way further (checked: without the pages' links the second pages cannot be reached).
 */
class ConsolePagedListsIT {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final String HOST = "console22-paged";
    private static final String INSTANCE = "5f0c2a3e-2222-4000-8000-000000000022";

    @TempDir Path dir;
    @RegisterExtension final BrowserTests opened = new BrowserTests();

    @Test
    void exportsMountsAndAlertsArePagedToTheOldest() throws Exception {
        TestDatabase database = TestDatabase.sqlite(dir);
        List<String> exports = new ArrayList<>();
        List<String> mounts = new ArrayList<>();
        List<String> alerts = new ArrayList<>();
        try (Catalog before = Catalog.open(database.config())) {
            before.hosts().ensure(HOST, "qemu+ssh://console22-paged.invalid/system");
            before.instances().refresh(HOST, List.of(new Instance(INSTANCE, HOST, "console22-paged-web", "shutoff",
                    List.of(new InstanceDisk("vda", "disk", "qcow2", "/images/console22.qcow2", 1L << 30, 1L << 20, null)),
                    T0, false)));
            for (int i = 0; i < 120; i++) { // failed exports: their records, without archives
                Job job = before.jobs().submit(new ExportFiles("pt-console22-" + i, "vda", null, List.of("/etc"), null, null),
                        HOST);
                assertEquals(job.id(), before.jobs().claimNext("w-console22", 8, Instant.now()).orElseThrow().id());
                assertTrue(before.jobs().finish(job.id(), "w-console22",
                        new Jobs.Outcome(JobState.failed, null, "PointNotFound", "no point 'pt-console22-" + i + "'"), Instant.now()));
                exports.add(job.id());
            }
            for (int i = 0; i < 105; i++) {
                String id = String.format("mnt-console22-%03d", i);
                before.mounts().create(new MountRecord(id, "pt-console22-" + i, "vda", INSTANCE, HOST, null, "/run/c22-" + i,
                        T0.plusSeconds(60L * i), T0.plusSeconds(60L * i + 3600), null, null, null));
                assertTrue(before.mounts().ended(id, T0.plusSeconds(60L * i + 30), MountRecord.EndReason.UNMOUNTED, null));
                mounts.add(id);
            }
            for (int i = 0; i < 130; i++) {
                String id = String.format("alert-c22-%03d", i);
                before.changeAlerts().raise(new ChangeAlert(id, INSTANCE, "pt-console22-" + i, T0.plusSeconds(60L * i),
                        ChangeAlert.Kind.CHANGE_RATE, 0.9, 0.1, T0.plusSeconds(60L * i + 5), null, null, null, null));
                alerts.add(id);
            }
        }
        TestServer server = opened.server(TestServer.config(dir.resolve("data"), database.config()));
        Browser browser = opened.browser(server.url());
        browser.signIn(server.adminToken());

        List<List<String>> exportPages = pages(browser, "/exports", "#exports tbody tr", "export-", "exports");
        assertEquals(List.of(100, 20), exportPages.stream().map(List::size).toList());
        assertEquals(Set.copyOf(exports), union(exportPages));

        List<List<String>> mountPages = pages(browser, "/mounts?all=1", "#mounts tbody tr", "mount-", "mounts");
        assertEquals(List.of(100, 5), mountPages.stream().map(List::size).toList());
        assertEquals(mounts.reversed().subList(0, 100), mountPages.getFirst(), "newest first");
        assertEquals(Set.copyOf(mounts), union(mountPages));

        List<List<String>> alertPages = pages(browser, "/alerts", "#alerts tbody tr", "alert-", "alerts");
        assertEquals(List.of(100, 30), alertPages.stream().map(List::size).toList());
        assertEquals(alerts.reversed().subList(0, 100), alertPages.getFirst(), "newest first");
        assertEquals(Set.copyOf(alerts), union(alertPages));

        // acknowledged on the second page: back on the second page, the alert no longer standing
        String older = alertPages.get(1).getFirst();
        browser.go("/alerts");
        browser.find("a[rel=next]").click();
        browser.await(Duration.ofSeconds(20), d -> browser.has("#alert-" + older));
        browser.find("#alert-" + older + " button.ack").click();
        browser.await(Duration.ofSeconds(20), d -> browser.has("[role=status]") && browser.has("a[rel=first]"));
        assertTrue(browser.driver.getCurrentUrl().contains("cursor="), browser.driver.getCurrentUrl());
        assertFalse(browser.has("#alert-" + older), "no longer standing");
        browser.screenshot("paged-alerts-second");
    }

    /** Each page's row ids (without {@code prefix}) from {@code path}, following "Older {what}" to the last page. */
    private static List<List<String>> pages(Browser browser, String path, String rows, String prefix, String what) {
        browser.go(path);
        List<List<String>> pages = new ArrayList<>();
        while (true) {
            browser.await(Duration.ofSeconds(20), d -> browser.has("h1"));
            List<String> ids = browser.driver.findElements(By.cssSelector(rows)).stream()
                    .map(r -> r.getAttribute("id").substring(prefix.length())).toList();
            pages.add(ids);
            assertEquals(pages.size() > 1, browser.has("a[rel=first]"), "a link to the newest " + what + " past the first page");
            List<WebElement> next = browser.driver.findElements(By.cssSelector("a[rel=next]"));
            if (next.isEmpty()) {
                return pages;
            }
            assertEquals("Older " + what, next.getFirst().getText());
            String before = browser.driver.getCurrentUrl();
            next.getFirst().click();
            browser.await(Duration.ofSeconds(20), d -> !d.getCurrentUrl().equals(before));
        }
    }

    private static Set<String> union(List<List<String>> pages) {
        Set<String> all = new HashSet<>();
        pages.forEach(page -> page.forEach(id -> assertTrue(all.add(id), id + " listed twice")));
        return all;
    }
}
