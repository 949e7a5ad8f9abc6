package coffer.cli;

import coffer.engine.operation.ListRegions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code coffer region list} (needs a server): the server's regions with their vaults and hosts (docs/server.md). */
@Command(name = "region", description = "The server's regions (sites) with their vaults and hosts.",
        mixinStandardHelpOptions = true, subcommands = RegionCommand.List_.class)
final class RegionCommand {

    @Command(name = "list", description = "Each region: its vaults (the first its default) and hosts.",
            mixinStandardHelpOptions = true)
    static final class List_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;

        @Override
        public Integer call() {
            return Operate.call(server, common, new ListRegions());
        }
    }
}
