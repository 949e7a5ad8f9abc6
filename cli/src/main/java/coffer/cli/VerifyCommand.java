package coffer.cli;

import coffer.engine.operation.ListVerifyRuns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code coffer verify list} (needs a server): the verify runs of its vaults. A verify itself: {@code coffer vault verify}. */
@Command(name = "verify", description = "Verify runs of the server's vaults (run one with 'coffer vault verify').",
        mixinStandardHelpOptions = true)
final class VerifyCommand {

    @Command(name = "list", description = "Verify runs, newest first: chunks checked, damage, points affected.",
            mixinStandardHelpOptions = true)
    static final class List_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Option(names = "--target-vault", paramLabel = "NAME", description = "Only this vault of the server.") String vault;
        @Option(names = "--limit", paramLabel = "N", description = "At most N runs per vault (1-1000, default 20).") Integer limit;

        @Override
        public Integer call() {
            return Operate.call(server, common, new ListVerifyRuns(vault, limit));
        }
    }
}
