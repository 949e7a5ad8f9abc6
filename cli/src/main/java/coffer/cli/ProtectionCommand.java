package coffer.cli;

import coffer.engine.operation.ListProtections;
import coffer.engine.operation.Protect;
import coffer.engine.operation.StopProtection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code coffer protection list|add|remove} (needs a server). */
@Command(name = "protection", description = "The protected instances (needs a server).", mixinStandardHelpOptions = true,
        subcommands = {ProtectionCommand.ListProtections_.class, ProtectionCommand.Add.class, ProtectionCommand.Remove.class})
final class ProtectionCommand {

    @Command(name = "list", description = "Protected instances.", mixinStandardHelpOptions = true)
    static final class ListProtections_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Option(names = "--region", paramLabel = "REGION", description = "Only the instances whose points go to a vault of this region.") String region;

        @Override
        public Integer call() {
            return Operate.call(server, common, new ListProtections(region));
        }
    }

    @Command(name = "add", description = "Protect instances (up to 99 at once): all disks, including later ones, unless --disks.",
            mixinStandardHelpOptions = true)
    static final class Add implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "INSTANCE", arity = "1..*", description = "Names or UUIDs.") List<String> instances;
        @Option(names = "--disks", split = ",", paramLabel = "vda,vdb", description = "Only these disks.") List<String> disks;
        @Option(names = "--target-vault", paramLabel = "NAME", description = "The server's vault (default: its default vault).") String vault;

        @Override
        public Integer call() {
            return Operate.call(server, common, new Protect(instances, disks == null, disks, vault));
        }
    }

    @Command(name = "remove", description = "Stop protection: the instance leaves the list and its plan is deleted; its points stay.",
            mixinStandardHelpOptions = true)
    static final class Remove implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "INSTANCE", description = "Name or UUID.") String instance;

        @Override
        public Integer call() {
            return Operate.call(server, common, new StopProtection(instance));
        }
    }
}
