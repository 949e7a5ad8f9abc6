package coffer.cli;

import coffer.engine.operation.ChangeRetention;
import coffer.engine.operation.DeletePoint;
import coffer.engine.operation.ListPoints;
import coffer.engine.operation.PointList;
import coffer.engine.operation.ReplicatePoint;
import coffer.engine.operation.ShowPoint;
import coffer.engine.operation.ShowRetention;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code coffer point list|show|delete|extend|retention|replicate}. */
@Command(name = "point", description = "List, show, delete, replicate and keep points longer.", mixinStandardHelpOptions = true)
final class PointCommand {
    static final String POINT = "Point id, unique id prefix, or instance name (its newest point).";

    @Command(name = "list", description = "Points, newest first, filtered by the server; every page unless --limit is"
            + " given; offline also the points whose manifest does not read (DAMAGED) or is gone (LOST).",
            mixinStandardHelpOptions = true)
    static final class ListPoints_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Option(names = "--name", paramLabel = "INSTANCE", description = "Only the points of this instance (name or UUID).") String name;
        @Option(names = "--group", paramLabel = "GROUP", description = "Only the points of this group's instances (server).") String group;
        @Option(names = "--region", paramLabel = "REGION", description = "Only the points in a vault of this region (server; a replica is in its vault's region).") String region;
        @Option(names = "--state", paramLabel = "STATE", description = "available or expired.") String state;
        @Option(names = "--consistency", paramLabel = "LEVEL", description = "Only points of this consistency: APPLICATION, FILESYSTEM or CRASH.") String consistency;
        @Mixin PageOptions page;
        @Option(names = "--limit", paramLabel = "N", description = "One page of at most N points (1-1000), with the cursor of the next.") Integer limit;
        @Option(names = "--offset", paramLabel = "N", description = "One page from the N+1-th newest matching point (with the number that matched).") Integer offset;

        @Override
        public Integer call() {
            ListPoints first = new ListPoints(name, group, region, state, consistency, page.since, page.until, page.cursor,
                    limit, offset);
            return Operate.callOneOrEveryPage(transport, common, limit != null || offset != null, first,
                    PointList::nextCursor, first::next,
                    pages -> PointList.all(pages.stream().flatMap(page -> page.points().stream()).toList(),
                            pages.getFirst().damaged())); // damaged: on the first page only
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

    @Command(name = "replicate", description = "Replicate a point to a vault of another region (with a server): only the"
            + " chunks the destination lacks are copied, re-encrypted for it; the replica appears when complete.",
            mixinStandardHelpOptions = true)
    static final class Replicate implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Parameters(paramLabel = "POINT", description = POINT) String point;
        @Option(names = "--to", required = true, paramLabel = "REGION[/VAULT]", description = "The destination region (its"
                + " default vault), REGION/VAULT, or /VAULT (that vault's region).") String to;
        @Option(names = "--replica-days", paramLabel = "DAYS", description = "The replica expires DAYS after the point was"
                + " taken (1-65536; default: when the point expires).") Integer days;
        @Option(names = "--wait", description = "Wait for the job, with a progress bar.") boolean wait;

        @Override
        public Integer call() throws Exception {
            return JobRun.run(transport, common, ReplicatePoint.to(point, to, days), wait, 0, "replicate");
        }
    }
}
