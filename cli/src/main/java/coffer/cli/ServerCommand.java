package coffer.cli;

import coffer.server.CofferServer;
import coffer.server.config.ServerConfig;
import coffer.server.config.ServerConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code coffer server}: runs the server on embedded defaults, or as a configuration file says
 * (docs/server.md). Stops cleanly on SIGTERM or Ctrl-C: running jobs are cancelled and clean up.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the Coffer server: catalog, jobs and the REST API (defaults need no configuration).")
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (default: $COFFER_CONFIG; none: embedded defaults).",
            defaultValue = "${env:COFFER_CONFIG}")
    Path config;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: $COFFER_DATA_DIR, else /var/lib/coffer).")
    Path dataDir;
    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default: 8470, or the file's).")
    Integer port;

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig loaded = ServerConfigLoader.load(config, dataDir);
        ServerConfig chosen = port == null ? loaded : loaded.withPort(port);
        CofferServer server = CofferServer.start(chosen);
        UntilStopped running = UntilStopped.on(server::close, "coffer-shutdown");
        Cli.out().line("Coffer server listening on %s", server.url());
        Cli.out().line("  data directory: %s", chosen.dataDir());
        Cli.out().line("  catalog:        %s", chosen.catalog().redactedUrl());
        Cli.out().line("  vault:          %s (%s)", chosen.vaults().getFirst().location(), chosen.defaultVault());
        Cli.out().line("  admin token:    %s%s", chosen.adminTokenFile(),
                server.firstAdminSecret() != null ? " (created now, mode 0600)" : "");
        Cli.out().line("  OpenAPI:        %s/api/v1/openapi.json", server.url());
        Cli.out().line("  console:        %s/ (sign in with a token)", server.url());
        Cli.out().line("Use it: export COFFER_URL=%s COFFER_TOKEN_FILE=%s", server.url(), chosen.adminTokenFile());
        running.await();
        return 0;
    }
}
