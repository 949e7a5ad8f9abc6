package coffer.cli;

import coffer.engine.operation.FileList;
import coffer.engine.operation.ListFiles;
import coffer.engine.operation.ListFilesystems;
import coffer.engine.operation.SearchFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * {@code coffer files fs|ls|stat}: a point's file systems and files, read by a libguestfs appliance (offline on a
 * vault, or through a server). Each command boots the appliance: seconds with KVM, tens of seconds under TCG.
 * {@code coffer files search}: a file's versions across an instance's points (a job through a server).
 */
@Command(name = "files", description = "Browse the files of a point's disk: file systems, directories, one file's metadata;"
        + " search a file across an instance's points.",
        mixinStandardHelpOptions = true)
final class FilesCommand {
    /** How a path argument is read (docs/cli.md, "Files of a point"). */
    static final String ESCAPED = "written as 'files ls' prints names: \\\\ for a backslash, \\xNN for a byte that is not"
            + " UTF-8, \\n, \\t, \\r, \\uNNNN.";
    static final String DISK = "The point's disk, e.g. vdb.";
    static final String FS = "The file system's device, as 'coffer files fs' shows it (default: the disk's only one).";

    @Command(name = "fs", description = "The disk's partitions and file systems.", mixinStandardHelpOptions = true)
    static final class Filesystems implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Parameters(index = "0", paramLabel = "POINT", description = RestoreCommand.POINT) String point;
        @Parameters(index = "1", paramLabel = "DISK", description = DISK) String disk;

        @Override
        public Integer call() {
            return Operate.call(transport, common, new ListFilesystems(point, disk));
        }
    }

    @Command(name = "ls", description = "A directory's entries with size, mode, owner, time and link target, by name;"
            + " through a server every page unless --limit is given.", mixinStandardHelpOptions = true)
    static final class Ls implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Parameters(index = "0", paramLabel = "POINT", description = RestoreCommand.POINT) String point;
        @Parameters(index = "1", paramLabel = "DISK", description = DISK) String disk;
        @Parameters(index = "2", arity = "0..1", paramLabel = "PATH", description = "An absolute directory (default: /), " + ESCAPED) String path;
        @Option(names = "--fs", paramLabel = "DEVICE", description = FS) String filesystem;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "The entries after this cursor (a previous page's next cursor).") String cursor;
        @Option(names = "--limit", paramLabel = "N", description = "One page of at most N entries (1-1000), with the cursor of the next.") Integer limit;

        @Override
        public Integer call() {
            ListFiles first = new ListFiles(point, disk, filesystem, path, false, cursor, limit, true);
            // offline every page would start the appliance again
            return Operate.callOneOrEveryPage(transport, common, limit != null || transport.offline(), first,
                    FileList::nextCursor, first::next, pages -> FileList.of(pages.getFirst().path(),
                            pages.stream().flatMap(page -> page.files().stream()).toList()));
        }
    }

    @Command(name = "stat", description = "One file's size, mode, owner, time and link target.", mixinStandardHelpOptions = true)
    static final class Stat implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Parameters(index = "0", paramLabel = "POINT", description = RestoreCommand.POINT) String point;
        @Parameters(index = "1", paramLabel = "DISK", description = DISK) String disk;
        @Parameters(index = "2", paramLabel = "PATH", description = "An absolute path, " + ESCAPED) String path;
        @Option(names = "--fs", paramLabel = "DEVICE", description = FS) String filesystem;

        @Override
        public Integer call() {
            return Operate.call(transport, common, new ListFiles(point, disk, filesystem, path, true, null, null, true));
        }
    }

    @Command(name = "search", description = "Find files by name across an instance's newest points, with each file's"
            + " versions (SHA-256 of its content); through a server a job, offline it runs here.", mixinStandardHelpOptions = true)
    static final class Search implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin Transport transport;
        @Parameters(index = "0", paramLabel = "INSTANCE", description = "Domain name or UUID (offline: the points' name or UUID).")
        String instance;
        @Option(names = "--name", required = true, paramLabel = "GLOB", description = "File names to find: a glob such as 'hosts', '*.conf', 'x?[0-9]', '{a,b}.txt' (quote it).")
        String name;
        @Option(names = "--path", paramLabel = "DIR", description = "Only under this absolute directory (default: /), " + ESCAPED) String path;
        @Option(names = "--disk", paramLabel = "DISK", description = "Only this disk of each point (default: every disk).") String disk;
        @Option(names = "--fs", paramLabel = "DEVICE", description = "Only this file system, as 'coffer files fs' shows it for the disk (default: every mountable one).")
        String filesystem;
        @Option(names = "--points", paramLabel = "N", description = "The newest N points (1-100, default 10).") Integer points;
        @Option(names = "--wait", description = "Through a server: wait for the search job, with a progress bar.") boolean wait;

        @Override
        public Integer call() throws InterruptedException {
            return JobRun.run(transport, common, new SearchFiles(instance, name, path, disk, filesystem, points, true), wait, 0, "search");
        }
    }
}
