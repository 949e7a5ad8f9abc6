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

        @Override
        public Integer call() {
            return Operate.call(transport, common, new ListPoints(name));
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
