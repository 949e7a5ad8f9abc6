package coffer.cli;

import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.InstanceClone;
import coffer.engine.instance.InstanceRestore;
import coffer.engine.vault.VaultOpener;
import coffer.vault.Vault;
import coffer.virt.libvirt.Libvirt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code coffer clone INSTANCE --name NEW}: a point now, restored as a new started instance. */
@Command(name = "clone", mixinStandardHelpOptions = true,
        description = "Clone an instance now: back it up, restore the point as a new instance and start it (the point expires after one day).")
final class CloneCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Mixin VaultOption vaultOption;
    @Mixin ConnectOption connect;
    @Parameters(paramLabel = "INSTANCE") String instance;
    @Option(names = "--name", required = true, paramLabel = "NEW") String name;
    @Option(names = "--dir", paramLabel = "DIR", description = "Directory for the new disk files (default: beside the originals).") Path dir;

    @Mixin ServerOption server;
    @Option(names = "--wait", description = "With a server: wait for the job, with a progress bar.") boolean wait;

    @Override
    public Integer call() throws Exception {
        if (vaultOption.vault == null && server.client().isPresent()) {
            ApiClient client = server.client().orElseThrow();
            return JobWait.follow(client, client.post("/api/v1/instances/" + ApiClient.segment(instance) + "/clone",
                    Map.of("name", name)), wait, common, "clone");
        }
        try (ConnectOption.Pending connecting = connect.openInBackground();
             Vault vault = new VaultOpener(common.keyRing()).open(vaultOption.require());
             Libvirt libvirt = connecting.get();
             ProgressBar bar = new ProgressBar(Cli.err(), !common.json(), "clone")) {
            InstanceClone.Result result = new InstanceClone(new InstanceBackup(libvirt, vault, InstanceBackup.defaultRuntimeRoot()),
                    new InstanceRestore(libvirt, vault, 0)).run(instance, name, dir, 0, bar);
            bar.close();
            if (common.json()) {
                Cli.out().json(Map.of("point", result.backup().point().id(), "instance", result.instance().name(),
                        "disks", result.instance().disks()));
            } else {
                Cli.out().line("Cloned %s as %s (started) from point %s, which expires in one day", instance, name,
                        result.backup().point().id());
            }
            return 0;
        }
    }
}
