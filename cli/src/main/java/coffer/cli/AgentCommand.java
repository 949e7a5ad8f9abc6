package coffer.cli;

import coffer.engine.agent.CofferAgent;
import coffer.engine.drill.DrillBudget;
import coffer.engine.job.handler.JobHandlers;
import coffer.engine.agent.FailoverOperations;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.operation.Operations;
import coffer.engine.vault.LocalVaults;
import coffer.server.config.ServerConfig;
import coffer.server.config.ServerConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code coffer agent}: serves one libvirt host for the servers (docs/design/agents.md). It connects out to a server
 * with a token of role {@code agent}, announces the host and its instances, and runs the host's backups and restores
 * here, writing to the vaults directly. The vaults (locations, key rings) and restore directories come from the
 * servers' own configuration file ({@code --config}); the server's answer carries no storage settings or keys.
 * Given several servers (of one catalog) it moves to the next when one fails ({@link FailoverOperations}).
 * Stops cleanly on SIGTERM: running jobs are cancelled and clean up. Exits 5 when its token is revoked, 9
 * ({@code AgentHostTaken}) when another live agent serves its host (docs/design/agents.md, "One agent per host").
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run a Coffer agent: claim and run the jobs of this libvirt host for a Coffer server.")
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--server", paramLabel = "URL", split = ",",
            description = "A Coffer server; repeat it or give a comma list for several servers of one catalog, tried in"
                    + " order: a call failing with a connection error or 5xx goes to the next (default: $COFFER_URL).",
            defaultValue = "${env:COFFER_URL}")
    List<String> servers;
    @Option(names = "--token", paramLabel = "TOKEN", description = "A token of role agent (default: $COFFER_TOKEN).",
            defaultValue = "${env:COFFER_TOKEN}")
    String token;
    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the agent token (instead of --token).")
    Path tokenFile;
    @Option(names = "--host", paramLabel = "NAME", description = "This host's id in the servers' catalog (default: the machine's host name).")
    String host;
    @Option(names = "--libvirt", paramLabel = "URI", description = "The libvirt connection of this host (default: qemu:///system).",
            defaultValue = "qemu:///system")
    String libvirt;
    @Option(names = "--config", paramLabel = "FILE", description = "The servers' YAML configuration: its vaults and restore directories are used (default: $COFFER_CONFIG).",
            defaultValue = "${env:COFFER_CONFIG}")
    Path config;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "The agent's own directory, its working catalog (default: /var/lib/coffer-agent).",
            defaultValue = "/var/lib/coffer-agent")
    Path dataDir;
    @Option(names = "--jobs-per-host", paramLabel = "N", description = "Jobs running at once on this host (default: 2).", defaultValue = "2")
    int jobsPerHost;
    @Option(names = "--workers", paramLabel = "N", description = "Jobs this agent runs at once (default: 4).", defaultValue = "4")
    int workers;

    @Override
    public Integer call() throws Exception {
        List<String> urls = servers == null ? List.of()
                : servers.stream().map(String::strip).filter(u -> !u.isEmpty()).toList();
        if (urls.isEmpty()) {
            throw new CofferException(ErrorCode.InvalidArgument, "--server: the Coffer server's URL is required (or $COFFER_URL)");
        }
        if (config == null) {
            throw new CofferException(ErrorCode.InvalidArgument, "--config: the servers' configuration file is required"
                    + " (its vaults are where this agent writes; or $COFFER_CONFIG)");
        }
        String secret = tokenFile != null ? Files.readString(tokenFile).strip() : token;
        if (secret == null || secret.isBlank()) {
            throw new CofferException(ErrorCode.InvalidArgument, "--token or --token-file: a token of role agent is required"
                    + " (create one with 'coffer token create NAME --role agent')");
        }
        ServerConfig servers = ServerConfigLoader.load(config, null);
        Map<String, LocalVaults.Location> locations = new LinkedHashMap<>();
        servers.vaults().forEach(v -> locations.put(v.name(), new LocalVaults.Location(v.location(), v.keyring(), v.region(), v.encrypted())));
        String hostId = host != null ? host : coffer.vault.HostName.get();
        try (LocalVaults vaults = new LocalVaults(locations, servers.vaults().getFirst().name())) {
            List<Operations> transports = urls.stream().<Operations>map(u -> new HttpOperations(new ApiClient(u, secret))).toList();
            CofferAgent agent = CofferAgent.start(new FailoverOperations(transports), vaults,
                    new CofferAgent.Settings(hostId, libvirt, dataDir.toAbsolutePath(), InstanceBackup.defaultRuntimeRoot(),
                            RestoreDirectories.under(servers.restoreDirectories()), jobsPerHost, workers,
                            new JobHandlers.Assurance(servers.assurance().verify(), servers.assurance().drills(),
                                    new DrillBudget(servers.assurance().drills().perHost()), servers.assurance().alerts())));
            UntilStopped running = UntilStopped.on(agent::close, "coffer-agent-shutdown");
            Cli.out().line("Coffer agent %s serving host %s (%s) for %s", agent.workerId(), hostId, libvirt, String.join(", ", urls));
            CofferException refused = running.awaitUnless(agent.refused());
            if (refused != null && refused.code() == ErrorCode.AgentHostTaken) { // another agent serves its host
                agent.close(); // its running jobs cancelled, cleaned up (the servers fail them WorkerLost)
                throw new CofferException(ErrorCode.AgentHostTaken, "the servers gave host " + hostId + " to another agent ("
                        + refused.getMessage() + "): this agent stopped and cancelled its running jobs", refused);
            }
            if (refused != null) { // its token revoked: nothing more it may do for its host
                agent.close(); // its running jobs cancelled, cleaned up (the servers fail them WorkerLost)
                throw new CofferException(ErrorCode.Unauthorized, "the servers refuse this agent's token ("
                        + refused.getMessage() + "): it was revoked; the agent stopped and cancelled its running jobs."
                        + " Start it again with a live token of role agent for host " + hostId, refused);
            }
        }
        return 0;
    }
}
