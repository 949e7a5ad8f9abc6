package coffer.cli;

import coffer.engine.operation.ListReclaims;
import coffer.engine.operation.Operation;
import picocli.CommandLine.Command;

/** {@code coffer reclaim list} (needs a server): what the server's space reclaim did, docs/design/assurance.md. */
@Command(name = "reclaim", description = "Space the server reclaimed from deleted and expired points.",
        mixinStandardHelpOptions = true)
final class ReclaimCommand {

    @Command(name = "list", description = "Per vault: bytes reclaimed since the server started, a deletion still waiting, recent steps.",
            mixinStandardHelpOptions = true)
    static final class List_ extends ServerQuery {
        @Override
        Operation<?> query() {
            return new ListReclaims();
        }
    }
}
