package coffer.cli;

import coffer.engine.operation.ListVerifyRuns;
import coffer.engine.operation.VerifyRunList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code coffer verify list} (needs a server): the verify runs of its vaults. A verify itself: {@code coffer vault verify}. */
@Command(name = "verify", description = "Verify runs of the server's vaults (run one with 'coffer vault verify').",
        mixinStandardHelpOptions = true)
final class VerifyCommand {

    @Command(name = "list", description = "Verify runs, newest first: chunks checked, damage, points affected; every page"
            + " unless --limit is given.",
            mixinStandardHelpOptions = true)
    static final class List_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Option(names = "--target-vault", paramLabel = "NAME", description = "Only this vault of the server.") String vault;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after this cursor (a previous page's next cursor).") String cursor;
        @Option(names = "--limit", paramLabel = "N", description = "One page of at most N runs (1-1000), with the cursor of the next.") Integer limit;

        @Override
        public Integer call() {
            return Operate.callOneOrEveryPage(server, common, limit != null, new ListVerifyRuns(vault, cursor, limit),
                    VerifyRunList::nextCursor, next -> new ListVerifyRuns(vault, next, null),
                    pages -> VerifyRunList.of(pages.stream().flatMap(page -> page.runs().stream()).toList(), null));
        }
    }
}
