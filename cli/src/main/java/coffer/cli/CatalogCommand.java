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

    @Command(name = "rebuild", description = "Recreate the catalog's points (with their plan, policy and immutability) and group points from the vaults' manifests (admin); name the points it could not restore (exit 3).",
            mixinStandardHelpOptions = true)
    static final class Rebuild implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;

        @Override
        public Integer call() {
            JsonNode answer = server.require().post("/api/v1/catalog/rebuild", Map.of());
            boolean whole = true;
            for (var vault : answer.path("vaults").properties()) {
                JsonNode v = vault.getValue();
                whole &= v.path("unreadable").isEmpty() && v.path("lost").isEmpty() && v.path("missing").isEmpty();
            }
            if (common.json()) {
                Cli.out().json(answer);
            } else {
                for (var vault : answer.path("vaults").properties()) {
                    JsonNode v = vault.getValue();
                    Cli.out().line("Vault %s: %d point(s) restored, %d gone instance(s) added, %d image point(s) skipped,"
                                    + " %d group point(s) restored, %d skipped (group not in the catalog).", vault.getKey(),
                            v.path("points").asInt(), v.path("instancesAdded").asInt(), v.path("skipped").asInt(),
                            v.path("groupPoints").asInt(), v.path("groupPointsSkipped").asInt());
                    v.path("unreadable").forEach(id -> Cli.out().line("  NOT RESTORED: point %s: its manifest cannot be"
                            + " read (its catalog row is kept); see 'coffer vault verify'", id.asText()));
                    v.path("lost").forEach(id -> Cli.out().line("  NOT RESTORED: point %s: its manifest is missing while"
                            + " its indexes remain (lost); see 'coffer vault verify'", id.asText()));
                    v.path("missing").forEach(id -> Cli.out().line("  NOT RESTORED: point %s: the catalog listed it, the"
                            + " vault holds nothing of it (lost; its row is removed)", id.asText()));
                }
            }
            return whole ? 0 : coffer.engine.error.ErrorCode.DataCorrupt.exitCode();
        }
    }
}
