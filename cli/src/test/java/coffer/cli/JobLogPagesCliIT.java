package coffer.cli;

import coffer.engine.instance.TestDomain;
import coffer.engine.job.Job;
import coffer.engine.job.JobEnd;
import coffer.engine.job.JobLogEntry;
import coffer.engine.operation.BackupInstance;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code coffer job log} pages (docs/cli.md, docs/api.md "Lists"): without {@code --limit} it fetches every page, with
 * {@code --limit} it shows one page and the cursor of the next, and following the cursors gives every line once,
 * oldest first. The job is a backup of an instance the server does not know (it fails at once, with its own lines);
 * the server's catalog then holds more lines than a page.
 */
class JobLogPagesCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    LocalServer server;

    @BeforeEach
    void start() throws Exception {
        TestDomain.requireLibvirt();
        server = LocalServer.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private CliRun cli(String... args) {
        return server.cli(args);
    }

    @Test
    void jobLogFetchesEveryPageUnlessALimitIsGivenAndTheCursorsWalkEveryLineOnce() throws Exception {
        Job job = server.server().catalog().jobs().submit(BackupInstance.of("no-such-instance-for-log-pages"), "local");
        Job ended = JobEnd.await(server.server().catalog().jobs(), job, Duration.ofSeconds(60));
        for (int i = 1; i <= 7; i++) {
            server.server().catalog().jobs().appendLog(job.id(), "info", "line " + i);
        }
        List<String> whole = server.server().catalog().jobs().log(job.id()).stream().map(JobLogEntry::message).toList();
        assertTrue(whole.size() >= 8, ended + ": " + whole);

        JsonNode all = JSON.readTree(cli("job", "log", job.id(), "--output", "json").ok().out());
        List<String> fetched = new ArrayList<>();
        all.path("entries").forEach(e -> fetched.add(e.path("message").asText()));
        assertEquals(whole, fetched, "every line, in order");

        List<String> walked = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            List<String> args = new ArrayList<>(List.of("job", "log", job.id(), "--limit", "3", "--output", "json"));
            if (cursor != null) {
                args.addAll(List.of("--cursor", cursor));
            }
            JsonNode page = JSON.readTree(cli(args.toArray(String[]::new)).ok().out());
            page.path("entries").forEach(e -> walked.add(e.path("message").asText()));
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
            pages++;
        } while (cursor != null);
        assertEquals(whole, walked, "the pages in the order of the whole log");
        assertEquals((whole.size() + 2) / 3, pages, "pages of three up to the last");

        String text = cli("job", "log", job.id(), "--limit", "2").ok().out();
        assertTrue(text.contains("More: the same command with --cursor "), text);
        cli("job", "log", job.id(), "--cursor", "not-a-cursor").fails(2, "InvalidArgument");
        cli("job", "log", job.id(), "--limit", "0").fails(2, "InvalidArgument");
    }
}
