package coffer.cli;

import coffer.engine.operation.RebuildCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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
            return Operate.call(server, common, new RebuildCatalog());
        }
    }
}
