package coffer.cli;

import coffer.engine.operation.ListInstances;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code coffer instance list}. */
@Command(name = "instance", description = "Instances (libvirt domains) on a host.", mixinStandardHelpOptions = true,
        subcommands = {InstanceCommand.ListInstances_.class})
final class InstanceCommand {

    @Command(name = "list", description = "Domains with state and disks, and whether each disk can be backed up.",
            mixinStandardHelpOptions = true)
    static final class ListInstances_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;

        @Override
        public Integer call() {
            return Operate.call(transport, common, new ListInstances(null, null));
        }
    }
}
