package coffer.cli;

import coffer.engine.policy.ReplicationRule;
import coffer.engine.replication.PointReplication;
import coffer.engine.replication.RegionVault;
import coffer.engine.vault.VaultOpener;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code coffer dev replicate --vault SOURCE POINT --to DESTINATION}: one point copied into another vault with the
 * replication use case, for benchmarks (scripts/bench --replicate). Replication through a server, with regions, status
 * and retries, is a job (docs/design/replication.md). Hidden with the other dev commands.
 */
@Command(name = "replicate", mixinStandardHelpOptions = true, description = "Copy one point into another vault (for benchmarks; replication proper is a server job).")
final class DevReplicate implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Mixin KeyringOption keyring;
    @Mixin VaultOption vaultOption;
    @Parameters(paramLabel = "POINT", description = "Point id, unique id prefix, or name (its newest point).") String point;
    @Option(names = "--to", required = true, paramLabel = "LOCATION", description = "The destination vault.") String to;
    @Option(names = "--to-keyring", paramLabel = "FILE", description = "The destination's key ring (default: --keyring).")
    Path toKeyRing;
    @Option(names = "--threads", paramLabel = "N", description = "Chunk workers (default: one per core).") int threads;

    @Override
    public Integer call() throws Exception {
        try (Vault source = new VaultOpener(keyring.keyRing()).open(vaultOption.require());
             Vault destination = new VaultOpener(toKeyRing != null ? toKeyRing : keyring.keyRing()).open(Locations.parse(to));
             ProgressBar bar = new ProgressBar(Cli.err(), !common.json(), "replicate")) {
            PointManifest manifest = source.resolve(point);
            PointReplication.Result result = new PointReplication(threads).run(new PointReplication.Request(
                    new RegionVault("local", "source", source), manifest.id(), new RegionVault("local", "destination",
                    destination), new ReplicationRule.Encryption.Auto(), null, null), bar);
            bar.close();
            long sourceGrowth = manifest.disks().stream().mapToLong(PointManifest.Disk::newStoredBytes).sum();
            if (common.json()) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("point", manifest.id());
                json.put("replica", result.replicaId());
                json.put("base", result.base());
                json.put("newObjects", result.newObjects());
                json.put("storedBytes", result.storedBytes());
                json.put("sourceStoredBytes", sourceGrowth);
                json.put("readBytes", result.readBytes());
                json.put("reusedEntries", result.reusedEntries());
                json.put("seconds", bar.elapsed().toMillis() / 1000.0);
                json.put("logicalMBps", bar.rateMBps());
                Cli.out().json(json);
            } else {
                Cli.out().line("Replica %s of point %s: %d object(s), %s stored (the point stored %s) in %.1f s (%.0f MB/s)%s",
                        result.replicaId(), manifest.id(), result.newObjects(), Output.bytes(result.storedBytes()),
                        Output.bytes(sourceGrowth), bar.elapsed().toMillis() / 1000.0, bar.rateMBps(),
                        result.base() == null ? "" : ", from replica " + result.base());
            }
        }
        return 0;
    }
}
