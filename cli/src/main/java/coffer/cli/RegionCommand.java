package coffer.cli;

import coffer.engine.operation.ListRegions;
import coffer.engine.operation.Operation;
import picocli.CommandLine.Command;

/** {@code coffer region list} (needs a server): the server's regions with their vaults and hosts (docs/server.md). */
@Command(name = "region", description = "The server's regions (sites) with their vaults and hosts.",
        mixinStandardHelpOptions = true)
final class RegionCommand {

    @Command(name = "list", description = "Each region: its vaults (the first its default) and hosts.",
            mixinStandardHelpOptions = true)
    static final class List_ extends ServerQuery {
        @Override
        Operation<?> query() {
            return new ListRegions();
        }
    }
}
