package coffer.cli;

import coffer.engine.operation.FileList;
import coffer.engine.operation.ListFiles;
import coffer.engine.operation.ListFilesystems;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * {@code coffer files fs|ls|stat}: a point's file systems and files, read by a libguestfs appliance (offline on a
 * vault, or through a server). Each command boots the appliance: seconds with KVM, tens of seconds under TCG.
 */
@Command(name = "files", description = "Browse the files of a point's disk: file systems, directories, one file's metadata.",
        mixinStandardHelpOptions = true)
final class FilesCommand {
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
        @Parameters(index = "2", arity = "0..1", paramLabel = "PATH", description = "An absolute directory (default: /).") String path;
        @Option(names = "--fs", paramLabel = "DEVICE", description = FS) String filesystem;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "The entries after this cursor (a previous page's next cursor).") String cursor;
        @Option(names = "--limit", paramLabel = "N", description = "One page of at most N entries (1-1000), with the cursor of the next.") Integer limit;

        @Override
        public Integer call() {
            ListFiles first = new ListFiles(point, disk, filesystem, path, false, cursor, limit);
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
        @Parameters(index = "2", paramLabel = "PATH", description = "An absolute path.") String path;
        @Option(names = "--fs", paramLabel = "DEVICE", description = FS) String filesystem;

        @Override
        public Integer call() {
            return Operate.call(transport, common, new ListFiles(point, disk, filesystem, path, true));
        }
    }
}
