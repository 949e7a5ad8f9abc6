package coffer.cli;

import coffer.engine.instance.AppConsistency;
import coffer.engine.instance.DiskPlan;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.vault.VaultOpener;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.virt.libvirt.Libvirt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code coffer backup INSTANCE}: one point of every chosen disk of a domain, at one instant. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Back up an instance: all its disks (or --disks) at one instant; incremental when possible.")
final class BackupCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Mixin VaultOption vaultOption;
    @Mixin ConnectOption connect;
    @Parameters(paramLabel = "INSTANCE", description = "Domain name or UUID.") String instance;
    @Option(names = "--disks", split = ",", paramLabel = "vda,vdb", description = "Only these disks (default: every disk that can be backed up).")
    List<String> disks = List.of();
    @Option(names = "--threads", paramLabel = "N", description = "Chunk workers per disk, and NBD connections (default: two per core).") int threads;
    @Mixin ServerOption server;
    @Option(names = "--wait", description = "With a server: wait for the job, with a progress bar.") boolean wait;
    @Option(names = "--retention-days", paramLabel = "DAYS", description = "With a server: the point expires after DAYS (1-65536; default: never).")
    Integer retentionDays;
    @Option(names = "--target-vault", paramLabel = "NAME", description = "With a server: the server's vault to use (default: the protection's, else the default vault).")
    String targetVault;

    @Mixin AppConsistencyOptions consistencyOptions = new AppConsistencyOptions();

    @Override
    public Integer call() throws Exception {
        AppConsistency consistency = consistencyOptions.consistency();
        if (vaultOption.vault == null) {
            var client = server.client();
            if (client.isPresent()) {
                return viaServer(client.get());
            }
        }
        try (ConnectOption.Pending connecting = connect.openInBackground();
             Vault vault = new VaultOpener(common.keyRing()).open(vaultOption.require());
             Libvirt libvirt = connecting.get();
             ProgressBar bar = new ProgressBar(Cli.err(), !common.json(), "backup")) {
            InstanceBackup.Result result = new InstanceBackup(libvirt, vault, InstanceBackup.defaultRuntimeRoot()).run(
                    new InstanceBackup.Request(instance, new LinkedHashSet<>(disks), threads, Map.of(), consistency), bar);
            bar.close();
            PointManifest point = result.point();
            if (common.json()) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("point", point);
                json.put("plans", result.plans().stream().map(p -> Map.of("disk", p.target(), "mode", p.mode().name(),
                        "reason", p.reason() == null ? "" : p.reason())).toList());
                json.put("warnings", result.warnings());
                json.put("seconds", bar.elapsed().toMillis() / 1000.0);
                json.put("logicalMBps", bar.rateMBps());
                Cli.out().json(json);
                return 0;
            }
            Cli.out().line("Point %s of %s: %d disk(s), %s in %.1f s (%.0f MB/s)", point.id(), point.name(),
                    point.disks().size(), Output.bytes(point.logicalBytes()), bar.elapsed().toMillis() / 1000.0, bar.rateMBps());
            for (PointManifest.Disk d : point.disks()) {
                DiskPlan plan = result.plans().stream().filter(p -> p.target().equals(d.name())).findFirst().orElseThrow();
                Cli.out().line("  %-6s %s, %s: read %s, %d new chunk(s) storing %s%s", d.name(), Output.bytes(d.size()),
                        plan.incremental() ? "incremental" : "full", Output.bytes(d.readBytes()), d.newChunks(),
                        Output.bytes(d.newStoredBytes()), plan.reason() == null ? "" : " (" + plan.reason() + ")");
            }
            for (PointManifest.SkippedDisk s : point.skipped()) {
                Cli.out().line("  %-6s skipped: %s", s.name(), s.reason());
            }
            Cli.out().line("  consistency: %s", PointCommand.consistency(point));
            for (String warning : result.warnings()) {
                Cli.err().println("warning: " + warning);
            }
            return 0;
        }
    }

    /** The server's manual backup: a job, followed with --wait. */
    private int viaServer(ApiClient client) throws InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        if (!disks.isEmpty()) {
            body.put("disks", disks);
        }
        if (retentionDays != null) {
            body.put("retentionDays", retentionDays);
        }
        if (targetVault != null) {
            body.put("vault", targetVault);
        }
        if (consistencyOptions.given()) {
            body.put("appConsistent", consistencyOptions.json());
        }
        var job = client.post("/api/v1/instances/" + ApiClient.segment(instance) + "/backups", body);
        return JobWait.follow(client, job, wait, common, "backup");
    }
}
