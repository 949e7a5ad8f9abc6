package coffer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code coffer catalog rebuild}: the server re-reads every vault's manifests into its catalog. */
@Command(name = "catalog", description = "The server's catalog.", mixinStandardHelpOptions = true,
        subcommands = {CatalogCommand.Rebuild.class})
final class CatalogCommand {

    @Command(name = "rebuild", description = "Recreate the catalog's points (with their plan, policy and immutability) and group points from the vaults' manifests (admin).",
            mixinStandardHelpOptions = true)
    static final class Rebuild implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;

        @Override
        public Integer call() {
            JsonNode answer = server.require().post("/api/v1/catalog/rebuild", Map.of());
            if (common.json()) {
                Cli.out().json(answer);
            } else {
                Cli.out().line("Catalog rebuilt from the vaults: %s", answer);
            }
            return 0;
        }
    }
}
