package coffer.cli;

import coffer.engine.operation.DrillInstance;
import coffer.engine.operation.DrillList;
import coffer.engine.operation.ListDrills;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code coffer drill run|list} (needs a server): restore drills, docs/design/assurance.md. */
@Command(name = "drill", description = "Restore drills: prove that an instance's newest point restores and boots.",
        mixinStandardHelpOptions = true)
final class DrillCommand {

    @Command(name = "run", description = "Restore the instance's newest point as an isolated copy (no network), boot it to its guest agent, run the check command in it, and remove it.",
            mixinStandardHelpOptions = true)
    static final class Run implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(index = "0", paramLabel = "INSTANCE", description = "Domain name or UUID.") String instance;
        @Parameters(index = "1..*", paramLabel = "CHECK", description = "A check command run in the copy through the guest agent: its absolute path, then its arguments (after --). Exit status 0 passes.")
        List<String> check;
        @Option(names = "--wait", description = "Wait for the drill job, with a progress bar.") boolean wait;

        @Override
        public Integer call() throws InterruptedException {
            return JobRun.follow(server.operations().start(new DrillInstance(instance, check)), common, wait, "drill");
        }
    }

    @Command(name = "list", description = "Drills by instance (instances by name, drills newest first), and when each"
            + " instance was last proven bootable; every page unless --limit is given.",
            mixinStandardHelpOptions = true)
    static final class List_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "INSTANCE", arity = "0..1", description = "Only this instance (name or UUID).") String instance;
        @Option(names = "--drills", paramLabel = "N", description = "At most N drills of each instance (1-1000, default 20).") Integer drills;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after this cursor (a previous page's next cursor).") String cursor;
        @Option(names = "--limit", paramLabel = "N", description = "One page of at most N instances (1-1000), with the cursor of the next.") Integer limit;

        @Override
        public Integer call() {
            return Operate.callOneOrEveryPage(server, common, limit != null, new ListDrills(instance, cursor, limit, drills),
                    DrillList::nextCursor, next -> new ListDrills(instance, next, null, drills),
                    pages -> DrillList.of(pages.stream().flatMap(page -> page.instances().stream()).toList(), null));
        }
    }
}
