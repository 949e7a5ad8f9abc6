package coffer.server.console;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.Jobs;
import coffer.engine.operation.RestoreDisk;
import coffer.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unicode bidirectional controls (U+202A–U+202E, U+2066–U+2069) in text a guest or a caller controls are shown escaped
 * in Chromium (docs/console.md, "Hostile text"): a libvirt domain named {@code coffer-console21-<RLO>gnp.exe} is
 * listed as {@code coffer-console21-\u202egnp.exe} (never as {@code …exe.png}), on its row, in the protect and clone
 * forms' choices; a failed job's error and log lines and a policy's name the same; no page's text holds a control, and
 * each escape is marked apart ({@code .ctl}). A form's values stay exact: the policy's edit form holds its name as it is,
 * and saving it keeps the name byte for byte. Without the escaping every page showed the controls (checked).
 */
class ConsoleBidiTextIT {
    static final String RLO = "\u202e";
    static final String DOMAIN = "coffer-console21-" + RLO + "gnp.exe\u2066x\u2069";
    static final String DOMAIN_SHOWN = "coffer-console21-\\u202egnp.exe\\u2066x\\u2069";
    static final String POLICY = "pol-console21-\u202bcba\u202c";
    static final String POLICY_SHOWN = "pol-console21-\\u202bcba\\u202c";

    @TempDir Path dir;
    @RegisterExtension final BrowserTests opened = new BrowserTests();

    @Test
    void bidirectionalControlsInNamesAndJobTextAreShownEscaped() throws Exception {
        String uuid = opened.made(BareDomain.define(dir, DOMAIN)).uuid();

        // a failed job whose error and log carry the controls, stored before the server starts so that no runner takes it
        TestDatabase database = TestDatabase.sqlite(dir);
        String failed;
        try (Catalog before = Catalog.open(database.config())) {
            before.hosts().ensure("local", "qemu:///system");
            Job job = before.jobs().submit(new RestoreDisk("pt-console21", "vda", null, null, true, false), "local");
            assertEquals(job.id(), before.jobs().claimNext("w-console21", 8, Instant.now()).orElseThrow().id());
            before.jobs().appendLog(job.id(), "warn", "freeze script said: report" + RLO + "fdp.exe");
            assertTrue(before.jobs().finish(job.id(), "w-console21", new Jobs.Outcome(JobState.failed, null, "ToolFailed",
                    "guest agent: \u2067abc\u2069 done"), Instant.now()));
            failed = job.id();
        }
        TestServer server = opened.server(TestServer.config(dir.resolve("data"), database.config()));
        TestServer.Answer policy = server.admin("POST", "/api/v1/policies", "{\"name\": " + TestServer.JSON.writeValueAsString(POLICY)
                + ", \"schedule\": \"I|1790000000|PT1H\", \"retention\": {\"keepFor\": \"1d\"}}");
        assertEquals(201, policy.status(), policy.text());
        String policyId = policy.body().path("id").asText();
        Browser browser = opened.browser(server.url());
        browser.signIn(server.adminToken());

        // the domain: its row, and the protect and clone forms' choices, on whichever page of instances it is
        browser.go("/instances");
        while (!browser.has("#clone-instance option[value='" + uuid + "']")) {
            assertTrue(browser.has("a[rel=next]"), "the domain is on no page of instances: " + bodyText(browser));
            browser.find("a[rel=next]").click();
            browser.await(java.time.Duration.ofSeconds(20), d -> "complete".equals(js(browser, "return document.readyState")));
        }
        assertShownEscaped(browser, DOMAIN_SHOWN);
        assertEquals(DOMAIN_SHOWN, browser.driver.findElement(By.cssSelector("#clone-instance option[value='" + uuid + "']"))
                .getText());
        assertTrue(browser.has("main .ctl"), "an escape is marked apart");
        assertEquals("\\u202e", browser.driver.findElements(By.cssSelector("main .ctl")).getFirst().getText());
        browser.screenshot("bidi-instances");

        browser.go("/jobs/" + failed);
        assertShownEscaped(browser, "guest agent: \\u2067abc\\u2069 done", "freeze script said: report\\u202efdp.exe");
        browser.go("/jobs");
        assertShownEscaped(browser);

        browser.go("/policies");
        assertShownEscaped(browser, POLICY_SHOWN);
        assertEquals("Edit policy " + POLICY_SHOWN, browser.find("a[href='/policies/" + policyId + "/edit']").getAttribute("aria-label"));
        // the edit form holds the name exactly, and saving it keeps it
        browser.go("/policies/" + policyId + "/edit");
        assertEquals(POLICY, browser.find("#name").getAttribute("value"));
        browser.find("#name").submit();
        browser.await(java.time.Duration.ofSeconds(20), d -> d.getCurrentUrl().endsWith("/policies"));
        assertFalse(browser.has("#problem"), browser.driver.getPageSource());
        assertEquals(POLICY, server.admin("GET", "/api/v1/policies/" + policyId, null).body().path("name").asText());
    }

    /** The page's text holds no bidirectional control and shows each of {@code literals}. */
    private static void assertShownEscaped(Browser browser, String... literals) {
        browser.await(java.time.Duration.ofSeconds(20), d -> "complete".equals(js(browser, "return document.readyState")));
        String text = bodyText(browser);
        assertTrue(text.chars().noneMatch(c -> (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)),
                browser.driver.getCurrentUrl() + " shows a bidirectional control: " + text);
        for (String literal : literals) {
            assertTrue(text.contains(literal), browser.driver.getCurrentUrl() + " does not show '" + literal + "': " + text);
        }
    }

    private static String bodyText(Browser browser) {
        return (String) js(browser, "return document.body.innerText");
    }

    private static Object js(Browser browser, String script) {
        return ((JavascriptExecutor) browser.driver).executeScript(script);
    }
}
