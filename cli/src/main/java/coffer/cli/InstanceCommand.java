package coffer.cli;

import coffer.engine.operation.InstanceList;
import coffer.engine.operation.InstanceOverviewList;
import coffer.engine.operation.ListInstanceOverviews;
import coffer.engine.operation.ListInstances;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code coffer instance list|overview}. */
@Command(name = "instance", description = "Instances (libvirt domains) on a host.", mixinStandardHelpOptions = true)
final class InstanceCommand {

    /** The filters and page of the instance lists (a server's; offline {@code instance list} takes none). */
    static final class Filters {
        @Option(names = "--host", paramLabel = "HOST", description = "Only the instances of this host (server).") String host;
        @Option(names = "--protected", arity = "0..1", paramLabel = "true|false", description = "Only the protected (true) or unprotected (false) ones (server).") Boolean protectedOnly;
        @Option(names = "--state", paramLabel = "STATE", description = "Only those in this state: running, shutoff, paused, ... or gone (server).") String state;
        @Option(names = "--group", paramLabel = "GROUP", description = "Only the members of this consistency group (server).") String group;
        @Option(names = "--region", paramLabel = "REGION", description = "Only the instances of this region's hosts (server).") String region;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after this cursor (a previous page's next cursor).") String cursor;
        @Option(names = "--limit", paramLabel = "N", description = "One page of at most N instances (1-1000), with the cursor of the next.") Integer limit;

        /** The list's first page, with or without points as {@code withPoints} says (null: either). */
        ListInstances instances(Boolean withPoints) {
            return new ListInstances(host, protectedOnly, state, group, region, cursor, limit, null, withPoints);
        }

        ListInstanceOverviews overviews() {
            return new ListInstanceOverviews(host, protectedOnly, state, group, region, cursor, limit);
        }
    }

    @Command(name = "list", description = "Domains with state and disks, and whether each disk can be backed up; by name,"
            + " filtered by the server; every page unless --limit is given.", mixinStandardHelpOptions = true)
    static final class ListInstances_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Mixin Filters filters;
        @Option(names = "--with-points", arity = "0..1", paramLabel = "true|false", description = "Only those with at"
                + " least one point in the catalog (true: what a drill can restore) or only those without (false) (server).")
        Boolean withPoints;

        @Override
        public Integer call() {
            ListInstances first = filters.instances(withPoints);
            return Operate.callOneOrEveryPage(transport, common, filters.limit != null || transport.offline(), first,
                    InstanceList::nextCursor, first::next,
                    pages -> InstanceList.of(pages.stream().flatMap(page -> page.instances().stream()).toList()));
        }
    }

    @Command(name = "overview", description = "The server's instances, each with its plan and its newest point (what the"
            + " console's instances page shows); by name, filtered as 'instance list'; every page unless --limit is given.",
            mixinStandardHelpOptions = true)
    static final class Overview implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Mixin Filters filters;

        @Override
        public Integer call() {
            ListInstanceOverviews first = filters.overviews();
            return Operate.callOneOrEveryPage(server, common, filters.limit != null, first, InstanceOverviewList::nextCursor,
                    first::next, pages -> InstanceOverviewList.of(
                            pages.stream().flatMap(page -> page.instances().stream()).toList(), null));
        }
    }
}
