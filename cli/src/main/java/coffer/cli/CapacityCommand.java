package coffer.cli;

import coffer.engine.operation.ShowCapacity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code coffer capacity}: logical against stored bytes per vault, instance and disk (needs a server). */
@Command(name = "capacity", description = "Logical vs stored bytes per vault, instance and disk (needs a server).",
        mixinStandardHelpOptions = true)
final class CapacityCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Mixin ServerOption server;

    @Override
    public Integer call() {
        return Operate.call(server, common, new ShowCapacity());
    }
}
