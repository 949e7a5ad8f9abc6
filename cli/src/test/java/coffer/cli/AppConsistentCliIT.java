package coffer.cli;

import coffer.testing.TestGuest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code coffer backup --app-consistent} on the real test guest; the level and its reason in point list/show. */
class AppConsistentCliIT {
    @TempDir Path dir;

    @Test
    void appConsistentBackupShowsItsLevelAndReasonInPointListAndShow() throws Exception {
        TestGuest.requireGuestSupport();
        Path keyRing = dir.resolve("keyring.json");
        String vault = dir.resolve("vault").toString();
        CliRun.run(keyRing, "vault", "init", vault).ok();
        try (TestGuest guest = TestGuest.start(dir)) {
            CliRun missing = CliRun.run(keyRing, "backup", guest.name(), "--vault", vault, "--app-consistent").ok();
            assertTrue(missing.out().contains("consistency: FILESYSTEM (file systems frozen ")
                    && missing.out().contains("/tmp/prescript.sh is missing"), missing.out());

            for (String script : new String[]{"/tmp/prescript.sh", "/tmp/postscript.sh"}) {
                guest.writeFile(script, "#!/bin/sh\nsync\n".getBytes(StandardCharsets.UTF_8));
            }
            guest.shell("chmod 700 /tmp/prescript.sh /tmp/postscript.sh");
            CliRun json = CliRun.run(keyRing, "backup", guest.name(), "--vault", vault, "--app-consistent",
                    "--output", "json").ok();
            assertTrue(json.out().contains("\"consistency\" : \"APPLICATION\""), json.out());
            assertTrue(json.out().contains("\"freezeMillis\""), json.out());

            CliRun crash = CliRun.run(keyRing, "backup", guest.name(), "--vault", vault, "--app-consistent",
                    "--no-freeze").ok();
            assertTrue(crash.out().contains("consistency: CRASH: file-system freeze turned off"), crash.out());

            CliRun list = CliRun.run(keyRing, "point", "list", "--vault", vault).ok();
            assertTrue(list.out().contains("CONSISTENCY REASON") && list.out().contains("APPLICATION")
                    && list.out().contains("FILESYSTEM") && list.out().contains("/tmp/postscript.sh is missing"), list.out());
            CliRun show = CliRun.run(keyRing, "point", "show", guest.name(), "--vault", vault).ok();
            assertTrue(show.out().contains("Consistency: CRASH: file-system freeze turned off"), show.out());
        }
    }
}
