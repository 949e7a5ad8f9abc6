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

/** {@code coffer group create|list|show|delete} (server only): the server's consistency groups. */
final class GroupCatalogCommands {
    private GroupCatalogCommands() {
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a consistency group on the server: instances of one host (needs a server).")
    static final class Create implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--instances", required = true, split = ",", paramLabel = "A,B[,C]",
                description = "The group's instances (names or UUIDs), comma-separated, in the group's order.") List<String> instances;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("instances", instances);
            show(common, server.require().post("/api/v1/groups", body), "Created");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The server's consistency groups.")
    static final class ListGroups implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;

        @Override
        public Integer call() {
            JsonNode answer = server.require().get("/api/v1/groups");
            if (common.json()) {
                Cli.out().json(answer);
                return 0;
            }
            Cli.out().line("%-14s %-20s %-10s %s", "ID", "NAME", "HOST", "INSTANCES");
            for (JsonNode g : answer.path("groups")) {
                Cli.out().line("%-14s %-20s %-10s %s", g.path("id").asText(), g.path("name").asText(), g.path("host").asText(),
                        String.join(",", g.path("instances").findValuesAsText("name")));
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One consistency group and its members.")
    static final class Show implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "GROUP", description = "Id or name.") String group;

        @Override
        public Integer call() {
            show(common, server.require().get("/api/v1/groups/" + ApiClient.segment(group)), "Group");
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a consistency group (its group points and member points stay).")
    static final class Delete implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "GROUP", description = "Id or name.") String group;

        @Override
        public Integer call() {
            JsonNode answer = server.require().delete("/api/v1/groups/" + ApiClient.segment(group));
            if (common.json()) {
                Cli.out().json(answer);
            } else {
                Cli.out().line("Deleted group %s (%s).", answer.path("name").asText(), answer.path("deleted").asText());
            }
            return 0;
        }
    }

    private static void show(CommonOptions common, JsonNode group, String verb) {
        if (common.json()) {
            Cli.out().json(group);
            return;
        }
        Cli.out().line("%s %s (%s) on host %s", verb, group.path("name").asText(), group.path("id").asText(),
                group.path("host").asText());
        for (JsonNode m : group.path("instances")) {
            Cli.out().line("  %-24s %s  %s", m.path("name").asText("?"), m.path("id").asText(), m.path("state").asText());
        }
    }
}
