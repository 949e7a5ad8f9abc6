package coffer.cli;

import coffer.engine.operation.BackupInstance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code coffer backup INSTANCE}: one point of every chosen disk of a domain, at one instant. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Back up an instance: all its disks (or --disks) at one instant; incremental when possible.")
final class BackupCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Mixin Transport transport;
    @Parameters(paramLabel = "INSTANCE", description = "Domain name or UUID.") String instance;
    @Option(names = "--disks", split = ",", paramLabel = "vda,vdb", description = "Only these disks (default: every disk that can be backed up; with a server: the protection's).")
    List<String> disks;
    @Option(names = "--retention-days", paramLabel = "DAYS", description = "The point expires after DAYS (1-65536; default: never). Recorded in the point (offline too).")
    Integer retentionDays;
    @Option(names = "--target-vault", paramLabel = "NAME", description = "With a server: the server's vault to use (default: the protection's, else the default vault).")
    String targetVault;
    @Option(names = "--threads", paramLabel = "N", description = "Offline: chunk workers per disk, and NBD connections (default: two per core).")
    int threads;
    @Option(names = "--description", paramLabel = "TEXT", description = "A note kept with the point (at most 256 characters).")
    String description;
    @Option(names = "--replicate-to", paramLabel = "REGION[/VAULT]", description = "With a server: once the point is taken, replicate it to this region (its default vault, or VAULT); the replica is kept as long as the point.")
    String replicateTo;
    @Option(names = "--replicate", description = "With a server: once the point is taken, replicate it as the replication rule of the instance's plan's policy says.")
    boolean replicate;
    @Option(names = "--wait", description = "With a server: wait for the job, with a progress bar.") boolean wait;
    @Mixin AppConsistencyOptions consistency = new AppConsistencyOptions();

    @Override
    public Integer call() throws Exception {
        return JobRun.run(transport, common, new BackupInstance(instance, targetVault, disks, retentionDays,
                consistency.consistency(), replicate, replicateTo, null, description), wait, threads, "backup");
    }
}
