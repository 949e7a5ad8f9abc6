package coffer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code coffer token create|list|revoke} (server only, admin token). */
@Command(name = "token", description = "API tokens (needs a server and an admin token).", mixinStandardHelpOptions = true,
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand {

    @Command(name = "create", description = "Create a token; its secret is printed once.", mixinStandardHelpOptions = true)
    static final class Create implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "admin, operator or viewer.") String role;

        @Override
        public Integer call() {
            JsonNode answer = server.require().post("/api/v1/tokens", Map.of("name", name, "role", role));
            if (common.json()) {
                Cli.out().json(answer);
            } else {
                Cli.out().line("Token %s (%s, role %s). Its secret, shown only now:", answer.path("token").path("id").asText(),
                        name, role);
                Cli.out().line("%s", answer.path("secret").asText());
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Tokens (never their secrets).", mixinStandardHelpOptions = true)
    static final class ListTokens implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;

        @Override
        public Integer call() {
            JsonNode answer = server.require().get("/api/v1/tokens");
            if (common.json()) {
                Cli.out().json(answer);
                return 0;
            }
            Cli.out().line("%-36s %-20s %-9s %-25s %s", "ID", "NAME", "ROLE", "CREATED", "STATE");
            for (JsonNode t : answer.path("tokens")) {
                Cli.out().line("%-36s %-20s %-9s %-25s %s", t.path("id").asText(), t.path("name").asText(), t.path("role").asText(),
                        t.path("createdAt").asText(), t.hasNonNull("revokedAt") ? "revoked" : "live");
            }
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a token.", mixinStandardHelpOptions = true)
    static final class Revoke implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() {
            JsonNode answer = server.require().delete("/api/v1/tokens/" + ApiClient.segment(id));
            if (common.json()) {
                Cli.out().json(answer);
            } else {
                Cli.out().line("Revoked token %s.", id);
            }
            return 0;
        }
    }
}
