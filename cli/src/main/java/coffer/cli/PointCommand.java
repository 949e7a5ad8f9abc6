package coffer.cli;

import coffer.engine.operation.ChangeRetention;
import coffer.engine.operation.DeletePoint;
import coffer.engine.operation.ListPoints;
import coffer.engine.operation.ShowPoint;
import coffer.engine.operation.ShowRetention;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code coffer point list|show|delete|extend|retention}. */
@Command(name = "point", description = "List, show, delete and keep points longer.", mixinStandardHelpOptions = true,
        subcommands = {PointCommand.ListPoints_.class, PointCommand.Show.class, PointCommand.Delete.class,
                PointCommand.Extend.class, PointCommand.Retention.class})
final class PointCommand {
    static final String POINT = "Point id, unique id prefix, or instance name (its newest point).";

    @Command(name = "list", description = "Points, newest first; offline also the points whose manifest does not read"
            + " (DAMAGED) or is gone (LOST).", mixinStandardHelpOptions = true)
    static final class ListPoints_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Option(names = "--name", paramLabel = "INSTANCE", description = "Only the points of this instance (name or UUID).") String name;
        @Option(names = "--consistency", paramLabel = "LEVEL", description = "Only points of this consistency: APPLICATION, FILESYSTEM or CRASH.") String consistency;
        @Option(names = "--since", paramLabel = "INSTANT", description = "Only points taken at or after this instant (e.g. 2026-03-02T00:00:00Z).") java.time.Instant since;
        @Option(names = "--until", paramLabel = "INSTANT", description = "Only points taken before this instant.") java.time.Instant until;
        @Option(names = "--limit", paramLabel = "N", description = "At most N points (1 to 1000).") Integer limit;
        @Option(names = "--offset", paramLabel = "N", description = "Skip the newest N matching points.") Integer offset;

        @Override
        public Integer call() {
            return Operate.call(transport, common, new ListPoints(name, consistency, since, until, limit, offset));
        }
    }

    @Command(name = "show", description = "One point with its disks.", mixinStandardHelpOptions = true)
    static final class Show implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Parameters(paramLabel = "POINT", description = POINT) String point;

        @Override
        public Integer call() {
            return Operate.call(transport, common, new ShowPoint(point));
        }
    }

    @Command(name = "delete", description = "Delete a point (refused while it is immutable and unexpired; offline, a"
            + " point made under an immutable policy is refused: the server decides when it expires); its chunks are"
            + " reclaimed by 'coffer vault gc'. Offline, the exact id of a damaged or lost point removes what remains of it.",
            mixinStandardHelpOptions = true)
    static final class Delete implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Parameters(paramLabel = "POINT", description = POINT) String point;

        @Override
        public Integer call() {
            return Operate.call(transport, common, new DeletePoint(point));
        }
    }

    @Command(name = "extend", description = "Keep a point longer: by whole days (1-65536; at most 65536 days from its"
            + " creation) past its current expiry, or never expire it (with a server: retention is the server's).",
            mixinStandardHelpOptions = true)
    static final class Extend implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Parameters(paramLabel = "POINT", description = POINT) String point;
        @ArgGroup(multiplicity = "1") Change change;

        static final class Change {
            @Option(names = "--days", paramLabel = "N", description = "Keep it N more days past its current expiry.") Integer days;
            @Option(names = "--never", description = "Never expire it (a person can still delete it, unless it is immutable).") boolean never;
        }

        @Override
        public Integer call() {
            return Operate.call(transport, common, new ChangeRetention(point, change.days, change.never ? Boolean.TRUE : null));
        }
    }

    @Command(name = "retention", description = "Why a point is kept and until when (with a server).", mixinStandardHelpOptions = true)
    static final class Retention implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Parameters(paramLabel = "POINT", description = POINT) String point;

        @Override
        public Integer call() {
            return Operate.call(transport, common, new ShowRetention(point));
        }
    }
}
