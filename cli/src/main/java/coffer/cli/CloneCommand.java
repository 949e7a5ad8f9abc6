package coffer.cli;

import coffer.engine.operation.CloneInstance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code coffer clone INSTANCE --name NEW}: a point now, restored as a new started instance. */
@Command(name = "clone", mixinStandardHelpOptions = true,
        description = "Clone an instance now: back it up, restore the point as a new instance and start it (the point expires after one day).")
final class CloneCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Mixin Transport transport;
    @Parameters(paramLabel = "INSTANCE", description = "Domain name or UUID.") String instance;
    @Option(names = "--name", required = true, paramLabel = "NEW", description = "The new instance's name.") String name;
    @Option(names = "--dir", paramLabel = "DIR", description = "Offline: directory for the new disk files (default: beside the originals).") Path dir;
    @Option(names = "--target-vault", paramLabel = "NAME", description = "With a server: the server's vault to use (default: its default vault).")
    String targetVault;
    @Option(names = "--region", paramLabel = "REGION", description = "With a server: clone into REGION (the point replicated to its first vault and restored on one of its hosts, in one job).")
    String region;
    @Option(names = "--wait", description = "With a server: wait for the job, with a progress bar.") boolean wait;

    @Override
    public Integer call() throws Exception {
        return JobRun.run(transport, common, new CloneInstance(instance, name, targetVault,
                dir == null ? null : dir.toAbsolutePath().toString(), region), wait, 0, "clone");
    }
}
