package coffer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code coffer protection list|add|remove} (server only). */
@Command(name = "protection", description = "The protected instances (needs a server).", mixinStandardHelpOptions = true,
        subcommands = {ProtectionCommand.ListProtections.class, ProtectionCommand.Add.class, ProtectionCommand.Remove.class})
final class ProtectionCommand {

    @Command(name = "list", description = "Protected instances.", mixinStandardHelpOptions = true)
    static final class ListProtections implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;

        @Override
        public Integer call() {
            JsonNode answer = server.require().get("/api/v1/protections");
            if (common.json()) {
                Cli.out().json(answer);
                return 0;
            }
            Cli.out().line("%-38s %-20s %-10s %s", "INSTANCE", "NAME", "VAULT", "DISKS");
            for (JsonNode p : answer.path("protections")) {
                Cli.out().line("%-38s %-20s %-10s %s", p.path("instance").asText(), p.path("name").asText(""),
                        p.path("vault").asText(), p.path("allDisks").asBoolean() ? "all" : p.path("disks").toString());
            }
            return 0;
        }
    }

    @Command(name = "add", description = "Protect instances (up to 99 at once): all disks, including later ones, unless --disks.",
            mixinStandardHelpOptions = true)
    static final class Add implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "INSTANCE", arity = "1..*", description = "Names or UUIDs.") List<String> instances;
        @Option(names = "--disks", split = ",", paramLabel = "vda,vdb", description = "Only these disks.") List<String> disks;
        @Option(names = "--target-vault", paramLabel = "NAME", description = "The server's vault (default: its default vault).") String vault;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("instances", instances);
            body.put("allDisks", disks == null);
            if (disks != null) {
                body.put("disks", disks);
            }
            if (vault != null) {
                body.put("vault", vault);
            }
            JsonNode answer = server.require().post("/api/v1/protections", body);
            if (common.json()) {
                Cli.out().json(answer);
            } else {
                for (JsonNode p : answer.path("protections")) {
                    Cli.out().line("Protected %s (%s): %s, vault %s", p.path("name").asText(), p.path("instance").asText(),
                            p.path("allDisks").asBoolean() ? "all disks" : "disks " + p.path("disks"), p.path("vault").asText());
                }
            }
            return 0;
        }
    }

    @Command(name = "remove", description = "Stop protection: the instance leaves the list; its points stay.",
            mixinStandardHelpOptions = true)
    static final class Remove implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "INSTANCE") String instance;

        @Override
        public Integer call() {
            JsonNode answer = server.require().delete("/api/v1/protections/" + ApiClient.segment(instance));
            if (common.json()) {
                Cli.out().json(answer);
            } else {
                Cli.out().line("Stopped protecting %s; its %d point(s) are kept.", answer.path("name").asText(),
                        answer.path("pointsKept").asInt());
            }
            return 0;
        }
    }
}
