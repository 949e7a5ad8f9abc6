package coffer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code coffer capacity}: logical against stored bytes per vault, instance and disk (server only). */
@Command(name = "capacity", description = "Logical vs stored bytes per vault, instance and disk (needs a server).",
        mixinStandardHelpOptions = true)
final class CapacityCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Mixin ServerOption server;

    @Override
    public Integer call() {
        JsonNode answer = server.require().get("/api/v1/capacity");
        if (common.json()) {
            Cli.out().json(answer);
            return 0;
        }
        print("VAULT", answer.path("vaults"), "vault");
        print("INSTANCE", answer.path("instances"), "name");
        Cli.out().line("%-28s %8s %12s %12s %7s", "DISK", "POINTS", "LOGICAL", "STORED", "RATIO");
        for (JsonNode d : answer.path("disks")) {
            row(d.path("instance").asText().substring(0, Math.min(8, d.path("instance").asText().length())) + "/"
                    + d.path("disk").asText(), d);
        }
        return 0;
    }

    private static void print(String title, JsonNode rows, String key) {
        Cli.out().line("%-28s %8s %12s %12s %7s", title, "POINTS", "LOGICAL", "STORED", "RATIO");
        for (JsonNode r : rows) {
            row(r.path(key).asText(r.path("instance").asText()), r);
        }
        Cli.out().line("");
    }

    private static void row(String name, JsonNode r) {
        Cli.out().line("%-28s %8d %12s %12s %7s", name, r.path("points").asLong(), Output.bytes(r.path("logicalBytes").asLong()),
                Output.bytes(r.path("storedBytes").asLong()), r.hasNonNull("ratio") ? r.path("ratio").asText() + "x" : "-");
    }
}
