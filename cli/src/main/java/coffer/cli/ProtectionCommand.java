package coffer.cli;

import coffer.engine.operation.ListProtections;
import coffer.engine.operation.Protect;
import coffer.engine.operation.StopProtection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code coffer protection list|add|remove} (needs a server). */
@Command(name = "protection", description = "The protected instances (needs a server).", mixinStandardHelpOptions = true)
final class ProtectionCommand {

    @Command(name = "list", description = "Protected instances, by name; every page unless --limit is given.",
            mixinStandardHelpOptions = true)
    static final class ListProtections_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Option(names = "--region", paramLabel = "REGION", description = "Only the instances whose points go to a vault of this region.") String region;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after this cursor (a previous page's next cursor).") String cursor;
        @Option(names = "--limit", paramLabel = "N", description = "One page of at most N (1-1000), with the cursor of the next.") Integer limit;

        @Override
        public Integer call() {
            ListProtections first = new ListProtections(region, cursor, limit);
            return Operate.callOneOrEveryPage(server, common, limit != null, first,
                    coffer.engine.operation.ProtectionList::nextCursor, first::next,
                    pages -> coffer.engine.operation.ProtectionList.of(
                            pages.stream().flatMap(page -> page.protections().stream()).toList()));
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
            return Operate.call(server, common, new Protect(instances, disks == null, disks, vault));
        }
    }

    @Command(name = "remove", description = "Stop protection: the instance leaves the list and its plan is deleted; its points stay.",
            mixinStandardHelpOptions = true)
    static final class Remove implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "INSTANCE", description = "Name or UUID.") String instance;

        @Override
        public Integer call() {
            return Operate.call(server, common, new StopProtection(instance));
        }
    }
}
