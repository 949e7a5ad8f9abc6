package coffer.server.console;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.catalog.Token;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.Jobs;
import coffer.engine.operation.RestoreDisk;
import coffer.server.TestServer;
import coffer.testing.Await;
import coffer.testing.DomainXml;
import coffer.testing.Environment;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.ZstdInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console under hostile text, in headless Chromium (docs/console.md, "Hostile text"): what a guest or an API caller
 * controls (a libvirt domain's name, title and description, a point's description, guest file names that hold markup,
 * quotes, {@code javascript:}, a newline, a trailing space, a backslash or bytes that are not UTF-8, a job's error
 * message and log lines, refused form values, query parameters) is shown as text on every page: no script runs
 * ({@code window.__pwned} stays undefined), no element is injected, the page's frame stays whole. The file pages link
 * every name, byte for byte, in the escaped form (docs/api.md, "Exact paths"), and an export of such names holds them.
 * The Tokens page shows and sets an agent token's host.
 */
class ConsoleHostileTextIT {
    /** Markup that would run script if a page wrote it unescaped. */
    static final String IMG = "<img src=x onerror=window.__pwned=1>";
    static final String QUOTES = "x\"'><svg onload=window.__pwned=2>";
    static final String JS_DIR = "javascript:window.__pwned=3";
    static final String DOMAIN = "coffer-console20-" + IMG;

    @TempDir Path dir;
    @RegisterExtension final BrowserTests opened = new BrowserTests();
    TestServer server;
    Browser browser;

    @Test
    void hostileNamesFromTheGuestAndFromCallersAreShownAsTextAndLinkExactly() throws Exception {
        Environment.requireCommand("virsh");
        Environment.requireCommand("qemu-img");
        Environment.requireCommand("mkfs.ext4");
        Environment.need(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libguestfs.so.0")), "libguestfs0 (Debian package)");
        String uuid = UUID.randomUUID().toString();
        opened.made(() -> {
            virsh(false, "destroy", uuid);
            virsh(false, "undefine", uuid, "--checkpoints-metadata", "--nvram");
        });
        defineDomain(uuid, guestDisk());

        // a failed job whose error message and log lines carry markup (as an agent's or a freeze script's text would),
        // stored before the server starts so that no runner takes it
        TestDatabase database = TestDatabase.sqlite(dir);
        String failed;
        try (Catalog before = Catalog.open(database.config())) {
            before.hosts().ensure("local", "qemu:///system");
            Job job = before.jobs().submit(new RestoreDisk("pt-console20", "vda", null, null, true, false), "local");
            assertEquals(job.id(), before.jobs().claimNext("w-console20", 8, Instant.now()).orElseThrow().id());
            before.jobs().appendLog(job.id(), "warn", "freeze script said: " + IMG + "\n</script><script>window.__pwned=8</script>");
            assertTrue(before.jobs().finish(job.id(), "w-console20", new Jobs.Outcome(JobState.failed, null, "ToolFailed",
                    "guest agent: " + QUOTES + " </textarea>" + IMG), Instant.now()));
            failed = job.id();
        }
        server = opened.server(TestServer.config(dir.resolve("data"), database.config()));
        browser = opened.browser(server.url());
        browser.signIn(server.adminToken());

        // the domain, named with markup, backed up with a description that is markup too
        assertInert("/instances", DOMAIN, "(not backed up: cannot read the image", "console20-missing-" + IMG);
        TestServer.Answer backup = server.admin("POST", "/api/v1/instances/" + uuid + "/backups",
                "{\"disks\": [\"vda\"], \"description\": " + TestServer.JSON.writeValueAsString(QUOTES + IMG) + "}");
        assertEquals(202, backup.status(), backup.text());
        String backupJob = backup.body().path("id").asText();
        String point = awaitJob(backupJob).path("result").path("point").asText();
        assertInert("/instances", DOMAIN);
        assertInert("/points", DOMAIN);
        assertInert("/points/" + point, DOMAIN, QUOTES + IMG);
        assertInert("/jobs", "ToolFailed");
        assertInert("/jobs/" + backupJob);
        assertInert("/jobs/" + failed, "guest agent: " + QUOTES + " </textarea>" + IMG, "freeze script said: " + IMG);
        assertInert("/capacity", DOMAIN);

        // query parameters come back as text (in a refusal or a filter's field), never as markup
        String hostile = URLEncoder.encode(IMG + QUOTES, StandardCharsets.UTF_8);
        for (String path : List.of("/points?instance=" + hostile, "/points?region=" + hostile, "/jobs?state=" + hostile,
                "/jobs?region=" + hostile, "/instances?region=" + hostile, "/alerts?instance=" + hostile,
                "/jobs/" + failed + "?log=" + hostile, "/tokens?cursor=" + hostile, "/plans?cursor=" + hostile,
                "/points/" + point + "/files?disk=" + hostile, "/points/" + hostile, "/mounts?all=" + hostile)) {
            assertInert(path);
        }

        // the file browser: every name shown as it is (a name that is not UTF-8 escaped), none of them markup
        browser.go("/points/" + point + "/files?disk=vda");
        browser.await(Duration.ofMinutes(3), d -> browser.has("#files"));
        assertInert(null, IMG, QUOTES, JS_DIR + "/", "caf\\xe9/", "back\\\\slash", "line1\\nline2", "line1 line2");
        // a directory named javascript: links into the console, and opens as a directory
        WebElement jsLink = browser.driver.findElement(By.xpath("//table[@id='files']//a[starts-with(., 'javascript:')]"));
        assertTrue(jsLink.getAttribute("href").startsWith(server.url() + "/points/" + point + "/files?disk=vda&"),
                jsLink.getAttribute("href"));
        jsLink.click();
        browser.await(Duration.ofMinutes(1), d -> browser.text("#cwd").equals("/" + JS_DIR));
        assertInert(null, "inside.txt");
        browser.find("#up").click();
        browser.await(Duration.ofMinutes(1), d -> browser.text("#cwd").equals("/"));
        // a directory whose name is not UTF-8 opens (its link names its bytes in the escaped form), with its own such file
        browser.driver.findElement(By.xpath("//table[@id='files']//a[starts-with(., 'caf')]")).click();
        browser.await(Duration.ofMinutes(1), d -> browser.text("#cwd").equals("/caf\\xe9"));
        assertInert(null, "\\xff.bin");
        browser.find("#up").click();
        browser.await(Duration.ofMinutes(1), d -> browser.text("#cwd").equals("/"));
        // a directory whose name ends in a space opens as that directory, not as one without the space
        browser.driver.findElement(By.xpath("//table[@id='files']//a[starts-with(., 'trail ')]")).click();
        browser.await(Duration.ofMinutes(1), d -> browser.has("#cwd") && browser.find("#cwd").getAttribute("textContent").equals("/trail "));
        assertInert(null, "t.txt");
        browser.find("#up").click();
        browser.await(Duration.ofMinutes(1), d -> browser.text("#cwd").equals("/"));

        // export the odd names: the archive holds each of them with its content
        for (String path : List.of("/caf\\xe9", "/trail ", "/" + IMG, "/line1\\nline2", "/back\\\\slash", "/" + JS_DIR)) {
            Object found = js("const b = [...document.querySelectorAll('input[name=path]')].find(i => i.value === arguments[0]);"
                    + " if (b) { b.click(); } return !!b;", path);
            assertEquals(Boolean.TRUE, found, "a box for " + path + " in " + browser.driver.getPageSource());
        }
        browser.find("#export").click();
        browser.await(Duration.ofSeconds(30), d -> d.getCurrentUrl().contains("/jobs/"));
        String export = browser.driver.getCurrentUrl().replaceAll(".*/jobs/", "");
        awaitJob(export);
        HttpResponse<byte[]> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url()
                        + "/api/v1/exports/" + export + "/download")).header("Authorization", "Bearer " + server.adminToken())
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, download.statusCode());
        Map<String, String> files = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ZstdInputStream(new ByteArrayInputStream(download.body())))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (!e.isDirectory()) {
                    files.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        assertEquals("latin", files.get("caf\\xe9/\\xff.bin"), files.toString());
        assertEquals("t", files.get("trail /t.txt"), files.toString());
        assertEquals("img", files.get(IMG), files.toString());
        assertEquals("nl", files.get("line1\nline2"), files.toString());
        // a UTF-8 name keeps its text in the archive with its backslash doubled, so it cannot be taken for the escaped
        // form of a name that is not UTF-8 (docs/cli.md, "files export")
        assertEquals("bs", files.get("back\\\\slash"), files.toString());
        assertEquals("in", files.get(JS_DIR + "/inside.txt"), files.toString());
        assertInert("/exports", IMG);

        // refused form values come back as text
        browser.go("/tokens");
        browser.find("#t-name").sendKeys(IMG);
        browser.find("#token-form button[type=submit]").click();
        assertEquals("InvalidArgument", browser.problemCode());
        assertInert(null, IMG);
        // a policy's name is free text: shown as text where it is listed, offered and edited
        browser.go("/policies/new");
        browser.find("#name").sendKeys(QUOTES);
        browser.find("#save-policy").click();
        browser.await(Duration.ofSeconds(20), d -> browser.has("#notice"));
        assertInert(null, "Policy " + QUOTES + " created.");
        browser.screenshot("hostile-policy");
        browser.driver.findElement(By.cssSelector("a[href$='/edit']")).click();
        browser.await(Duration.ofSeconds(20), d -> browser.has("#policy-form"));
        assertInert(null);
        assertEquals(QUOTES, browser.find("#name").getAttribute("value"), "the name is edited as it is");
        assertInert("/instances", DOMAIN);
        assertTrue((Boolean) js("return [...document.querySelectorAll('option')].some(o => o.text === arguments[0])", QUOTES),
                "the protect form offers the policy by its name");
    }

    @Test
    void theTokensPageShowsAndSetsAnAgentTokensHost() throws Exception {
        server = opened.server(TestServer.config(dir.resolve("data"), TestDatabase.sqlite(dir).config()));
        Token unbound = server.server().catalog().tokens().create("agent-unbound-console20", "agent").token();
        browser = opened.browser(server.url());
        browser.signIn(server.adminToken());

        browser.go("/tokens");
        assertEquals("not bound yet", browser.text("#token-" + unbound.id() + " .host"));
        browser.find("#t-name").sendKeys("agent-console20");
        new org.openqa.selenium.support.ui.Select(browser.find("#t-role")).selectByVisibleText("agent");
        browser.find("#t-host").sendKeys("host-console20");
        browser.find("#token-form button[type=submit]").click();
        browser.await(Duration.ofSeconds(20), d -> browser.has("#secret"));
        Token made = server.server().catalog().tokens().list().stream().filter(t -> t.name().equals("agent-console20"))
                .findFirst().orElseThrow();
        assertEquals("agent", made.role());
        assertEquals("host-console20", made.host());
        assertEquals("host-console20", browser.text("#token-" + made.id() + " .host"));
        browser.screenshot("tokens-agent-host");

        // a host is for agent tokens only: refused, naming the field
        browser.go("/tokens");
        browser.find("#t-name").sendKeys("op-console20");
        new org.openqa.selenium.support.ui.Select(browser.find("#t-role")).selectByVisibleText("operator");
        browser.find("#t-host").sendKeys("host-console20");
        browser.find("#token-form button[type=submit]").click();
        assertEquals("InvalidArgument", browser.problemCode());
        assertTrue(browser.text("#problem").contains("host"), browser.text("#problem"));
        assertTrue(server.server().catalog().tokens().list().stream().noneMatch(t -> t.name().equals("op-console20")));
    }

    /**
     * {@code path} (null: the page shown) ran no script, has no element a name could have injected and still has its
     * whole frame (sections, sign-out, heading), and shows each of {@code literals} as text.
     */
    private void assertInert(String path, String... literals) throws InterruptedException {
        if (path != null) {
            browser.go(path);
        }
        Await.until(() -> "complete".equals(js("return document.readyState")), Duration.ofSeconds(30), "the page loaded");
        String where = browser.driver.getCurrentUrl();
        assertEquals(Boolean.TRUE, js("return window.__pwned === undefined"), where + " ran injected script: "
                + browser.driver.getPageSource());
        assertEquals(0L, js("return document.querySelectorAll('main img, main svg:not(.chart), main iframe, main object,"
                + " main embed, main script, main textarea, main [onerror], main [onload]').length"), where + " has injected"
                + " elements: " + browser.driver.getPageSource());
        assertTrue(browser.has("nav[aria-label=Sections]") && browser.has("#who") && browser.has("main h1"),
                where + " lost its frame: " + browser.driver.getPageSource());
        String text = (String) js("return document.body.innerText");
        for (String literal : literals) {
            assertTrue(text.contains(literal), where + " does not show '" + literal + "' as text: " + text);
        }
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser.driver).executeScript(script, args);
    }

    /** An ext4 image (qcow2) whose root holds the hostile names, each file with a short content. */
    private Path guestDisk() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Process make = new ProcessBuilder("sh", "-c", """
                cd "$1" && printf img > "$2" && printf quotes > "$3" && mkdir "$4" && printf in > "$4/inside.txt" \
                && printf nl > "$(printf 'line1\\nline2')" && printf sp > 'line1 line2' && printf bs > 'back\\slash' \
                && mkdir "$(printf 'caf\\351')" && printf latin > "$(printf 'caf\\351/\\377.bin')" \
                && mkdir 'trail ' && printf t > 'trail /t.txt'""", "sh", tree.toString(), IMG, QUOTES, JS_DIR)
                .redirectErrorStream(true).start();
        assertEquals(0, make.waitFor(), new String(make.getInputStream().readAllBytes()));
        Path raw = dir.resolve("console20-guest.raw");
        run("mkfs.ext4", "-q", "-F", "-d", tree.toString(), raw.toString(), "16M");
        Path image = dir.resolve("console20-guest.qcow2");
        run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), image.toString());
        return image;
    }

    /**
     * A shut-off domain named with markup, its title and description markup too (libvirt keeps them as text), with the
     * guest disk as vda and as vdb a missing image whose path is markup (the instances page gives libvirt's reason).
     */
    private void defineDomain(String uuid, Path image) throws Exception {
        String xml = DomainXml.of(Files.exists(Path.of("/dev/kvm")) ? "kvm" : "qemu", DOMAIN).uuid(uuid).title(QUOTES)
                .description(IMG).disk("vda", "qcow2", image).disk("vdb", "qcow2", missingDisk()).xml();
        Path file = dir.resolve("console20-domain.xml");
        Files.writeString(file, xml);
        virsh(true, "define", file.toString());
    }

    /** A disk the domain names but that does not exist, its path markup: libvirt's error quotes it. */
    private Path missingDisk() {
        return dir.resolve("console20-missing-" + IMG + ".qcow2");
    }

    private static void virsh(boolean check, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("virsh", "-c", "qemu:///system"));
        command.addAll(List.of(args));
        if (check) {
            run(command.toArray(String[]::new));
        } else {
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + output);
    }

    private JsonNode awaitJob(String id) throws Exception {
        JsonNode job = Await.value(() -> {
            JsonNode j = server.admin("GET", "/api/v1/jobs/" + id, null).body();
            String state = j.path("state").asText();
            return state.equals("queued") || state.equals("running") ? java.util.Optional.<JsonNode>empty() : java.util.Optional.of(j);
        }, Duration.ofMinutes(5), "job " + id + " ended");
        assertEquals("succeeded", job.path("state").asText(), job.toString());
        return job;
    }
}
