package coffer.cli;

import coffer.engine.error.ErrorCode;
import coffer.engine.operation.RebuildCatalog;
import coffer.engine.operation.RebuildResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

import java.util.concurrent.Callable;

/** {@code coffer catalog rebuild}: the server re-reads every vault's manifests into its catalog. */
@Command(name = "catalog", description = "The server's catalog.", mixinStandardHelpOptions = true)
final class CatalogCommand {

    @Command(name = "rebuild", description = "Recreate the catalog's points (with their plan, policy and immutability) and group points from the vaults' manifests (admin); name the points it could not restore (exit 3).",
            mixinStandardHelpOptions = true)
    static final class Rebuild implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Option(names = "--readopt", paramLabel = "POINT", description = "Adopt this point again although the catalog"
                + " deleted it (it is in a vault again: put back by someone with the storage, or on purpose); repeatable."
                + " Without it such a point is reported as reappeared and not adopted.")
        List<String> readopt = new ArrayList<>();

        @Override
        public Integer call() {
            RebuildResult result = server.operations().call(new RebuildCatalog(readopt));
            Render.result(common, result);
            return result.whole() ? 0 : ErrorCode.DataCorrupt.exitCode();
        }
    }
}
