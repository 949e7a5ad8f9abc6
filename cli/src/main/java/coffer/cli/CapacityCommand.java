package coffer.cli;

import coffer.engine.operation.Operation;
import coffer.engine.operation.ShowCapacity;
import picocli.CommandLine.Command;

/** {@code coffer capacity}: logical against stored bytes per vault, instance and disk (needs a server). */
@Command(name = "capacity", description = "Logical vs stored bytes per vault, instance and disk (needs a server).",
        mixinStandardHelpOptions = true)
final class CapacityCommand extends ServerQuery {
    @Override
    Operation<?> query() {
        return new ShowCapacity();
    }
}
