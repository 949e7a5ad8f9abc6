package coffer.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code coffer export --sparse-limit SIZE} (docs/cli.md, "Files of a point"; session 21, docs/reliability.md): a size
 * it cannot read is refused before the server is asked, naming the field and the value; one it reads goes on to the
 * server (none listens here).
 */
class ExportSparseLimitCliTest extends WithCliVault {
    private static final String NO_SERVER = "http://127.0.0.1:1";

    @Test
    void aBadSizeIsRefusedBeforeTheServerIsAskedAGoodOneGoesOn() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "cof_x");
        for (String bad : new String[]{"1g", "1.5G", "lots"}) {
            CliRun run = CliRun.run(keyRing, "export", "01a24e01-87b0-7000-92b4-db6b1c564ed7", "vda", "/srv",
                    "--sparse-limit", bad, "--url", NO_SERVER, "--token-file", token.toString()).fails(2, "InvalidArgument");
            assertTrue(run.err().contains("sparseLimit") && run.err().contains("'" + bad + "'"), run.err());
        }
        CliRun.run(keyRing, "export", "01a24e01-87b0-7000-92b4-db6b1c564ed7", "vda", "/srv", "--sparse-limit", "64G",
                "--url", NO_SERVER, "--token-file", token.toString()).fails(8, "ServerUnreachable");
    }
}
