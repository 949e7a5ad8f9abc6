package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.json.CofferJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mistakes a new user made in session 19's walk through the README (docs/reliability.md, session 19) and what
 * the command line answers: the stable code and a message naming what was wrong, never a Java exception's name, never
 * a code that sends them looking elsewhere (an unreachable server for a mistyped directory, a missing point for a
 * missing disk).
 */
class UserMistakesCliTest extends WithCliVault {
    /** Nothing listens here: a command that reached for the server would fail with ServerUnreachable. */
    private static final String NO_SERVER = "http://127.0.0.1:1";

    @Test
    void aDiskThePointDoesNotHaveIsDiskNotInPointNamingItsDisks() throws Exception {
        Path disk = dir.resolve("disk.raw");
        RawDisks.writeData(disk, 1L << 20, 0, 1L << 20, 7);
        CliRun.run(keyRing, "image", "backup", "--vault", vault.toString(), "--name", "web", "--format", "raw",
                disk.toString()).ok();
        Path to = dir.resolve("out.raw");
        CliRun run = CliRun.run(keyRing, "image", "restore", "web", "--disk", "vdz", "--to", to.toString(),
                "--vault", vault.toString()).fails(4, "DiskNotInPoint");
        assertTrue(run.err().contains("has no disk 'vdz' (it has disk.raw)"), run.err());
        assertTrue(run.err().contains("coffer point show POINT"), "the remedy shows the point's disks: " + run.err());
        assertFalse(Files.exists(to));
    }

    @Test
    void aDownloadIntoAMissingDirectoryNamesTheDirectoryBeforeAskingTheServer() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "cof_x");
        Path missing = dir.resolve("no-such-dir");
        CliRun run = CliRun.run(keyRing, "export", "download", "01a24e01-87b0-7000-92b4-db6b1c564ed7",
                "--to", missing.resolve("x.tar.zst").toString(), "--url", NO_SERVER, "--token-file", token.toString())
                .fails(2, "InvalidArgument");
        assertTrue(run.err().contains("the directory " + missing + " does not exist"), run.err());
        assertFalse(Files.exists(missing));

        Path existing = Files.writeString(dir.resolve("have.tar.zst"), "x");
        CliRun again = CliRun.run(keyRing, "export", "download", "01a24e01-87b0-7000-92b4-db6b1c564ed7",
                "--to", existing.toString(), "--url", NO_SERVER, "--token-file", token.toString()).fails(2, "TargetExists");
        assertTrue(again.err().contains("--resume"), again.err());
    }

    @Test
    void aResumeOfAWholeArchiveEndsWellAndOfAnotherFileIsNamed() {
        Path to = dir.resolve("a.tar.zst");
        assertEquals(0, DownloadTarget.alreadyWhole(to, 152, "bytes */152"));
        CofferException longer = assertThrows(CofferException.class, () -> DownloadTarget.alreadyWhole(to, 200, "bytes */152"));
        assertEquals(ErrorCode.InvalidArgument, longer.code());
        assertTrue(longer.getMessage().contains("holds 200 bytes, more than the export's archive (152 bytes)"),
                longer.getMessage());
    }

    @Test
    void aMissingTokenFileIsNamedWithoutAJavaException() {
        Path absent = dir.resolve("absent.token");
        CliRun run = CliRun.run(keyRing, "job", "list", "--url", NO_SERVER, "--token-file", absent.toString())
                .fails(2, "InvalidArgument");
        assertTrue(run.err().contains("cannot read the token file " + absent + ": it does not exist"), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @Test
    void aMissingArgumentSaysErrorOnceAndAnswersInJsonWhenAsked() throws Exception {
        CliRun run = CliRun.run(keyRing, "restore", "disk", "p", "vda", "--vault", vault.toString())
                .fails(2, "InvalidArgument");
        assertTrue(run.err().startsWith("error [InvalidArgument]: Missing required argument"), run.err());
        assertFalse(run.err().contains("Error:"), run.err());

        CliRun json = CliRun.run(keyRing, Map.of(), "point", "list", "--vault", vault.toString(), "--output", "json",
                "--colour", "red");
        assertEquals(2, json.exit(), json.err());
        JsonNode problem = CofferJson.readTree(json.out(), "stdout");
        assertEquals("InvalidArgument", problem.path("code").asText(), json.out());
        assertTrue(problem.path("message").asText().contains("--colour"), json.out());
    }
}
