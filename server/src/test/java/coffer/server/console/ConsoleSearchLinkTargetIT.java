package coffer.server.console;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.Jobs;
import coffer.engine.json.CofferJson;
import coffer.engine.live.FileSearch;
import coffer.engine.live.LinkTarget;
import coffer.engine.operation.FileSearchResult;
import coffer.engine.operation.SearchFiles;
import coffer.server.TestServer;
import coffer.virt.guestfs.FileStat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file search's job page lists the files found with each link's target in the escaped form a directory's page shows
 * (docs/console.md, "Pages"): in Chromium, a finished {@code file_search} job (stored before the server starts, so that
 * no runner takes it) whose matches are made by the engine's own result from link targets given as bytes (the Latin-1
 * {@code café}, the UTF-8 text {@code caf\xe9}, a target with a newline): shown {@code → caf\xe9}, {@code → caf\\xe9}
 * and {@code → two\nlines}, each one line. The targets as a real file system stores them are read by
 * {@code FilesSearchLinkTargetCliIT}. Before session 24 the job page showed only the result's JSON (checked: this test
 * failed so, no {@code #job-found}).
 */
class ConsoleSearchLinkTargetIT {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @TempDir Path dir;
    @RegisterExtension final BrowserTests opened = new BrowserTests();

    @Test
    void aSearchJobPageShowsLinkTargetsAsTheFilesPageDoes() throws Exception {
        TestDatabase database = TestDatabase.sqlite(dir);
        String searched;
        try (Catalog before = Catalog.open(database.config())) {
            before.hosts().ensure("console24-search", "qemu+ssh://console24-search.invalid/system");
            Job job = before.jobs().submit(new SearchFiles("5f0c2a3e-2424-4000-8000-000000000001", "l-*", "/srv", null, null,
                    null, null), "console24-search");
            assertEquals(job.id(), before.jobs().claimNext("w-console24", 8, Instant.now()).orElseThrow().id());
            FileSearchResult result = FileSearchResult.of("web", "l-*", "/srv", new FileSearch.Result(List.of(
                    link("/srv/l-latin", new byte[] {'c', 'a', 'f', (byte) 0xe9}),
                    link("/srv/l-spelt", "caf\\xe9".getBytes(StandardCharsets.UTF_8)),
                    link("/srv/l-broken", "two\nlines".getBytes(StandardCharsets.UTF_8))), 1, 1, false, List.of(), Duration.ZERO));
            assertTrue(before.jobs().finish(job.id(), "w-console24", new Jobs.Outcome(JobState.succeeded,
                    CofferJson.MAPPER.valueToTree(result), null, null), Instant.now()));
            searched = job.id();
        }
        TestServer server = opened.server(TestServer.config(dir.resolve("data"), database.config()));
        Browser browser = opened.browser(server.url());
        browser.signIn(server.adminToken());

        browser.go("/jobs/" + searched);
        browser.await(Duration.ofSeconds(20), d -> browser.has("#job-state"));
        assertTrue(browser.has("#job-found"), "the files found are listed: " + browser.driver.getPageSource());
        List<String> shown = browser.driver.findElements(By.cssSelector("#job-found li")).stream()
                .map(li -> li.findElement(By.cssSelector(".path")).getText() + " → "
                        + li.findElement(By.cssSelector(".link-target")).getText()).toList();
        assertEquals(List.of("/srv/l-broken → two\\nlines", "/srv/l-latin → caf\\xe9", "/srv/l-spelt → caf\\\\xe9"), shown);
        browser.screenshot("search-link-targets");
    }

    private static FileSearch.Match link(String path, byte[] target) {
        return new FileSearch.Match("pt-console24", T0, "vda", "/dev/sda", path, false, FileStat.Type.SYMLINK, target.length,
                T0, null, LinkTarget.of(target));
    }
}
