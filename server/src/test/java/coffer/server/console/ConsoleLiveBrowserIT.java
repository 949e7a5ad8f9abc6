package coffer.server.console;

import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import coffer.testing.Environment;
import coffer.testing.TestGuest;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.ZstdInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live-access pages in headless Chromium on a real server and a real test guest: browse a point's data disk
 * (file systems, a directory), choose files, export them, watch the export listed available, download the archive with
 * the browser's session (its files as backed up), delete it (listed deleted, the archive gone); a viewer sees the
 * listing but no export, download or delete control, and the server refuses a viewer's delete; the mounts page offers
 * the running instance and a point's page instant restore, to an operator only.
 */
class ConsoleLiveBrowserIT {
    @TempDir Path dir;
    @RegisterExtension final BrowserTests opened = new BrowserTests();
    TestGuest guest;
    TestServer server;
    Browser browser;

    @Test
    void browseExportDownloadAndDelete() throws Exception {
        TestGuest.requireGuestSupport();
        Environment.need(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libguestfs.so.0")), "libguestfs0 (Debian package)");
        guest = opened.made(TestGuest.start(dir));
        guest.shell("mkdir -p /data/docs && echo hello > /data/docs/note.txt && echo other > /data/other.txt && sync");
        server = opened.server(TestServer.config(dir.resolve("data"), TestDatabase.sqlite(dir).config()));
        TestServer.Answer backup = server.admin("POST", "/api/v1/instances/" + guest.name() + "/backups", "{}");
        assertEquals(202, backup.status(), backup.text());
        String point = awaitJob(backup.body().path("id").asText()).path("result").path("point").asText();
        browser = opened.browser(server.url());
        browser.signIn(server.adminToken());

        // browse: the data disk's only file system is listed at its root; into a directory and back up
        browser.go("/points/" + point + "/files?disk=vdb");
        browser.await(Duration.ofMinutes(3), d -> browser.has("#files"));
        assertTrue(browser.text("#filesystems").contains("ext4"), browser.text("#filesystems"));
        assertEquals("/", browser.text("#cwd"));
        browser.driver.findElement(By.linkText("docs/")).click();
        browser.await(Duration.ofMinutes(1), d -> browser.text("#cwd").equals("/docs"));
        assertTrue(browser.text("#files").contains("note.txt"));
        browser.screenshot("live-files");
        browser.find("#up").click();
        browser.await(Duration.ofMinutes(1), d -> browser.text("#cwd").equals("/"));

        // choose a directory and a file, export them
        browser.driver.findElement(By.id("pick-docs")).click();
        browser.driver.findElement(By.id("pick-other.txt")).click();
        browser.find("#export").click();
        browser.await(Duration.ofSeconds(30), d -> d.getCurrentUrl().contains("/jobs/"));
        String export = browser.driver.getCurrentUrl().replaceAll(".*/jobs/", "");
        awaitJob(export);
        browser.go("/exports");
        assertTrue(browser.text("#export-" + export + " .status").startsWith("available"));
        browser.screenshot("live-exports");

        // download with the browser's session: the archive holds the files as backed up
        Cookie session = browser.driver.manage().getCookieNamed(ConsoleSessions.COOKIE);
        HttpResponse<byte[]> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url()
                        + browser.find("#export-" + export + " a.button").getAttribute("href").replaceAll("^https?://[^/]+", "")))
                .header("Cookie", session.getName() + "=" + session.getValue()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, download.statusCode());
        Map<String, String> files = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ZstdInputStream(new ByteArrayInputStream(download.body())))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                files.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertEquals("hello\n", files.get("docs/note.txt"), files.toString());
        assertEquals("other\n", files.get("other.txt"), files.toString());

        // a viewer: the listing, but no control to export, download or delete; the server refuses the delete anyway
        Browser viewer = Browser.open(server.url());
        try {
            viewer.signIn(server.server().catalog().tokens().create("vic", "viewer").secret());
            viewer.go("/exports");
            assertTrue(viewer.text("#export-" + export + " .status").startsWith("available"));
            assertFalse(viewer.has("#export-" + export + " a.button") || viewer.has("#export-" + export + " button"),
                    "a viewer has no download or delete control");
            viewer.go("/points/" + point + "/files?disk=vdb");
            viewer.await(Duration.ofMinutes(1), d -> viewer.has("#files"));
            assertFalse(viewer.has("#export") || viewer.has("input[name=path]"), "a viewer has no export control");
            ((org.openqa.selenium.JavascriptExecutor) viewer.driver).executeScript("""
                    const f = document.createElement('form'); f.method = 'post'; f.action = '/exports/%s/delete';
                    const c = document.createElement('input'); c.type = 'hidden'; c.name = '_csrf';
                    c.value = document.querySelector('input[name=_csrf]').value; f.appendChild(c);
                    document.body.appendChild(f); f.submit();""".formatted(export));
            assertEquals("Forbidden", viewer.problemCode());
            viewer.go("/mounts");
            assertTrue(viewer.has("#mounts") && !viewer.has("#mount-form") && !viewer.has("#mounts button"),
                    "a viewer sees the mounts, no mount or unmount control");
            viewer.go("/points/" + point);
            assertFalse(viewer.has("#instant-restore-form"), "no instant restore for a viewer");
        } finally {
            viewer.close();
        }

        // the mounts page offers the running guest; the point's page offers instant restore and browsing
        browser.go("/mounts");
        assertTrue(browser.text("#m-instance").contains(guest.name()), browser.text("#m-instance"));
        browser.screenshot("live-mounts");
        browser.go("/points/" + point);
        assertTrue(browser.has("#instant-restore-form") && browser.has("#live a"));

        // delete: listed deleted, the archive gone, the download refused
        browser.go("/exports");
        browser.find("#export-" + export + " button.danger").click();
        browser.await(Duration.ofSeconds(30), d -> browser.has("#export-" + export)
                && browser.text("#export-" + export + " .status").startsWith("deleted"));
        browser.screenshot("live-export-deleted");
        assertFalse(Files.exists(dir.resolve("data/exports/" + export + ".tar.zst")), "the archive is gone");
        assertFalse(browser.has("#export-" + export + " a.button"), "no download of a deleted export");
    }

    private JsonNode awaitJob(String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            JsonNode job = server.admin("GET", "/api/v1/jobs/" + id, null).body();
            String state = job.path("state").asText();
            if (!state.equals("queued") && !state.equals("running")) {
                assertEquals("succeeded", state, job.toString());
                return job;
            }
            assertTrue(System.nanoTime() < deadline, "job " + id + " ended: " + job);
            Thread.sleep(300);
        }
    }
}
