package coffer.cli;

import coffer.engine.operation.CreateToken;
import coffer.engine.operation.ListTokens;
import coffer.engine.operation.RevokeToken;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code coffer token create|list|revoke} (needs a server and an admin token). */
@Command(name = "token", description = "API tokens (needs a server and an admin token).", mixinStandardHelpOptions = true)
final class TokenCommand {

    @Command(name = "create", description = "Create a token; its secret is printed once.", mixinStandardHelpOptions = true)
    static final class Create implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "NAME", description = "The token's name.") String name;
        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "admin, operator, viewer, or agent (a coffer agent's token: agent work only).") String role;
        @Option(names = "--host", paramLabel = "HOST", description = "Agent tokens: the one host the token acts for (without it, the host of its agent's first announce).") String host;

        @Override
        public Integer call() {
            return Operate.call(server, common, new CreateToken(name, role, host));
        }
    }

    @Command(name = "list", description = "Tokens (never their secrets), by name; every page unless --limit is given.",
            mixinStandardHelpOptions = true)
    static final class ListTokens_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Option(names = "--role", paramLabel = "ROLE", description = "Only the tokens of this role: admin, operator, viewer or agent.") String role;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after this cursor (a previous page's next cursor).") String cursor;
        @Option(names = "--limit", paramLabel = "N", description = "One page of at most N (1-1000), with the cursor of the next.") Integer limit;

        @Override
        public Integer call() {
            ListTokens first = new ListTokens(role, cursor, limit);
            return Operate.callOneOrEveryPage(server, common, limit != null, first,
                    coffer.engine.operation.TokenList::nextCursor, first::next, pages -> coffer.engine.operation.TokenList.of(
                            pages.stream().flatMap(page -> page.tokens().stream()).toList()));
        }
    }

    @Command(name = "revoke", description = "Revoke a token.", mixinStandardHelpOptions = true)
    static final class Revoke implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "ID", description = "The token's id.") String id;

        @Override
        public Integer call() {
            return Operate.call(server, common, new RevokeToken(id));
        }
    }
}
