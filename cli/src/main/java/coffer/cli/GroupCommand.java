package coffer.cli;

import coffer.engine.operation.BackupGroup;
import coffer.engine.operation.CloneGroup;
import coffer.engine.operation.CreateGroup;
import coffer.engine.operation.DeleteGroup;
import coffer.engine.operation.ListGroupPoints;
import coffer.engine.operation.ListGroups;
import coffer.engine.operation.RestoreGroup;
import coffer.engine.operation.ShowGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Stack;
import java.util.concurrent.Callable;

/**
 * {@code coffer group create|list|show|delete|backup|points|restore|clone}: consistency groups
 * (docs/design/consistency-groups.md). create/list/show/delete are the server's; backup, points, restore and clone
 * run offline on a vault ({@code --vault}, the members named by {@code --instances}) or through a server (its group).
 */
@Command(name = "group", mixinStandardHelpOptions = true,
        description = "Consistency groups: several instances backed up, restored and cloned at one instant.")
final class GroupCommand {

    /** The options of a group backup and a group clone. */
    static final class Members {
        @Option(names = "--instances", split = ",", paramLabel = "A,B[,C]",
                description = "Offline: the group's instances (domain names), comma-separated, in order.") List<String> instances;
        @Mixin AppConsistencyOptions consistency = new AppConsistencyOptions();
        @Option(names = "--wait", description = "With a server: wait for the job, with a progress bar.") boolean wait;
        @Option(names = "--target-vault", paramLabel = "NAME", description = "With a server: the server's vault to use (default: its default vault).")
        String targetVault;
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a consistency group on the server: 1 to 16 instances of one host.")
    static final class Create implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "NAME", description = "The group's name.") String name;
        @Option(names = "--instances", required = true, split = ",", paramLabel = "A,B[,C]",
                description = "The group's instances (names or UUIDs), comma-separated, in the group's order.") List<String> instances;

        @Override
        public Integer call() {
            return Operate.call(server, common, new CreateGroup(name, instances));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The server's consistency groups, by name;"
            + " every page unless --limit is given.")
    static final class ListGroups_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Option(names = "--host", paramLabel = "HOST", description = "Only the groups of this host.") String host;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after this cursor (a previous page's next cursor).") String cursor;
        @Option(names = "--limit", paramLabel = "N", description = "One page of at most N (1-1000), with the cursor of the next.") Integer limit;

        @Override
        public Integer call() {
            ListGroups first = new ListGroups(host, cursor, limit);
            return Operate.callOneOrEveryPage(server, common, limit != null, first,
                    coffer.engine.operation.GroupList::nextCursor, first::next, pages -> coffer.engine.operation.GroupList.of(
                            pages.stream().flatMap(page -> page.groups().stream()).toList()));
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One consistency group and its members.")
    static final class Show implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "GROUP", description = "Id or name.") String group;

        @Override
        public Integer call() {
            return Operate.call(server, common, new ShowGroup(group));
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
            return Operate.call(server, common, new DeleteGroup(group));
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Back up the instances as one group point: one point each, all at one instant.")
    static final class Backup implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Mixin Members members = new Members();
        @Parameters(paramLabel = "NAME", description = "The group: offline its name, recorded on every member point;"
                + " with a server the server's group, by name or id.") String name;
        @Option(names = "--retention-days", paramLabel = "DAYS", description = "The points expire after DAYS (1-65536; default: never).")
        Integer retentionDays;

        @Override
        public Integer call() throws Exception {
            return JobRun.run(transport, common, new BackupGroup(name, members.instances, members.targetVault, retentionDays,
                    members.consistency.consistency()), members.wait, 0, "group backup");
        }
    }

    @Command(name = "points", mixinStandardHelpOptions = true, description = "Group points with their members, oldest first;"
            + " through a server every page unless --limit is given.")
    static final class Points implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Parameters(paramLabel = "NAME", arity = "0..1", description = "The group (default: every group).") String name;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after this cursor (a previous page's next cursor; server).") String cursor;
        @Option(names = "--limit", paramLabel = "N", description = "One page of at most N (1-1000), with the cursor of the next (server).") Integer limit;

        @Override
        public Integer call() {
            ListGroupPoints first = new ListGroupPoints(name, cursor, limit);
            return Operate.callOneOrEveryPage(transport, common, limit != null || transport.offline(), first,
                    coffer.engine.operation.GroupPointList::nextCursor, first::next,
                    pages -> coffer.engine.operation.GroupPointList.of(
                            pages.stream().flatMap(page -> page.points().stream()).toList()));
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Restore every member of a group point: as new instances named <member><suffix>, or in place.")
    static final class Restore implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Parameters(paramLabel = "GROUPPOINT", description = "The group point's id (offline also its first characters).") String group;
        @Option(names = "--suffix", paramLabel = "SUFFIX", parameterConsumer = NextArgument.class,
                description = "New instances named <member><SUFFIX> (may start with '-').") String suffix;
        @Option(names = "--in-place", description = "Restore over the originals (every member must be shut off).") boolean inPlace;
        @Option(names = "--start", description = "Start the new instances once all are defined.") boolean start;
        @Option(names = "--full", description = "With --in-place: write every byte of every member's disks, not a quick rollback of what changed since the newest point (kept checkpoints; docs/design/change-tracking.md).") boolean full;
        @Option(names = "--dir", paramLabel = "DIR", description = "Offline: directory for the new disk files (default: beside the originals).") Path dir;
        @Option(names = "--wait", description = "With a server: wait for the job, with a progress bar.") boolean wait;

        @Override
        public Integer call() throws Exception {
            return JobRun.run(transport, common, new RestoreGroup(group, suffix, start, inPlace,
                    dir == null ? null : dir.toAbsolutePath().toString(), full), wait, 0, "group restore");
        }
    }

    @Command(name = "clone", mixinStandardHelpOptions = true, description = "Clone a group now: a group point "
            + "(expiring in one day) restored as new started instances named <member><suffix>.")
    static final class Clone implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Mixin Members members = new Members();
        @Parameters(paramLabel = "NAME", description = "The group: offline its name; with a server the server's group.") String name;
        @Option(names = "--suffix", required = true, paramLabel = "SUFFIX", parameterConsumer = NextArgument.class,
                description = "New instances named <member><SUFFIX> (may start with '-').") String suffix;
        @Option(names = "--dir", paramLabel = "DIR", description = "Offline: directory for the new disk files (default: beside the originals).") Path dir;

        @Override
        public Integer call() throws Exception {
            return JobRun.run(transport, common, new CloneGroup(name, suffix, members.instances, members.targetVault,
                    members.consistency.consistency(), dir == null ? null : dir.toAbsolutePath().toString()),
                    members.wait, 0, "group clone");
        }
    }

    /**
     * Takes the next argument as the value whatever it looks like: {@code --suffix -copy} would otherwise
     * read {@code -copy} as {@code -c opy} ({@code -c} is {@code --connect}).
     */
    static final class NextArgument implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            if (args.isEmpty()) {
                throw new ParameterException(commandSpec.commandLine(), "Missing value for " + argSpec.paramLabel());
            }
            argSpec.setValue(args.pop());
        }
    }
}
