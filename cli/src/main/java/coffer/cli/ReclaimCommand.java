package coffer.cli;

import coffer.engine.operation.ListReclaims;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code coffer reclaim list} (needs a server): what the server's space reclaim did, docs/design/assurance.md. */
@Command(name = "reclaim", description = "Space the server reclaimed from deleted and expired points.",
        mixinStandardHelpOptions = true, subcommands = ReclaimCommand.List_.class)
final class ReclaimCommand {

    @Command(name = "list", description = "Per vault: bytes reclaimed since the server started, a deletion still waiting, recent steps.",
            mixinStandardHelpOptions = true)
    static final class List_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;

        @Override
        public Integer call() {
            return Operate.call(server, common, new ListReclaims());
        }
    }
}
