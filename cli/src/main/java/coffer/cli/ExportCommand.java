package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.DeleteExport;
import coffer.engine.operation.ExportFiles;
import coffer.engine.operation.ExportList;
import coffer.engine.operation.ListExports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code coffer export POINT DISK PATH…} (an export job: the paths as tar + zstd in the server's export area),
 * {@code coffer export list} (the export records), {@code coffer export delete EXPORT} (removed before its expiry) and {@code coffer export download EXPORT --to FILE} (through a
 * server; a broken download resumes with {@code --resume}).
 */
@Command(name = "export", description = "Export files of a point's disk as an archive to download (through a server); 'export list', 'export download'.",
        mixinStandardHelpOptions = true)
final class ExportCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Mixin ServerOption server;
    @Parameters(index = "0", arity = "0..1", paramLabel = "POINT", description = RestoreCommand.POINT) String point;
    @Parameters(index = "1", arity = "0..1", paramLabel = "DISK", description = FilesCommand.DISK) String disk;
    @Parameters(index = "2..*", arity = "0..*", paramLabel = "PATH", description = "Absolute paths of files or directories to export, " + FilesCommand.ESCAPED) List<String> paths;
    @Option(names = "--fs", paramLabel = "DEVICE", description = FilesCommand.FS) String filesystem;
    @Option(names = "--expires", paramLabel = "LIFETIME", description = "How long the archive can be downloaded: 90s, 30min, 12h, 7d (default: 1 day, at most 30 days).") String expires;
    @Option(names = "--sparse-limit", paramLabel = "SIZE", description = "The bytes of holes (sparse files' unstored zeros) the export may read over all its files: 64G, 512M (K, M, G, T: binary; default 1G). A file that would go over it is refused (ExportTooSparse).") String sparseLimit;
    @Option(names = "--wait", description = "Wait for the export job, with a progress bar.") boolean wait;

    @Override
    public Integer call() throws InterruptedException {
        if (point == null || disk == null) {
            throw new CofferException(ErrorCode.InvalidArgument, "give POINT, DISK and PATHs: coffer export POINT DISK PATH...");
        }
        return JobRun.follow(server.operations().start(new ExportFiles(point, disk, filesystem, paths, expires, true, sparseLimit)), common,
                wait, "export");
    }

    @Command(name = "list", description = "The export records, newest first: state, size, expiry; every page unless"
            + " --limit is given.", mixinStandardHelpOptions = true)
    static final class ListExports_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after this cursor (a previous page's next cursor).") String cursor;
        @Option(names = "--limit", paramLabel = "N", description = "One page of at most N exports (1-1000), with the cursor of the next.") Integer limit;

        @Override
        public Integer call() {
            return Operate.callOneOrEveryPage(server, common, limit != null, new ListExports(cursor, limit),
                    ExportList::nextCursor, next -> new ListExports(next, null),
                    pages -> ExportList.of(pages.stream().flatMap(page -> page.exports().stream()).toList()));
        }
    }

    @Command(name = "delete", description = "Remove an export before it expires: its archive is deleted, or, while it runs, it is cancelled.",
            mixinStandardHelpOptions = true)
    static final class Delete implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "EXPORT", description = "The export's id, as 'coffer export list' shows it.") String export;

        @Override
        public Integer call() {
            return Operate.call(server, common, new DeleteExport(export));
        }
    }

    @Command(name = "download", description = "Download an export's archive (a tar compressed with zstd).", mixinStandardHelpOptions = true)
    static final class Download implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "EXPORT", description = "The export's id, as 'coffer export list' shows it.") String export;
        @Option(names = "--to", required = true, paramLabel = "FILE", description = "The new file to write.") Path to;
        @Option(names = "--resume", description = "FILE holds the start of this archive: fetch the rest and append it.") boolean resume;

        @Override
        public Integer call() throws Exception {
            long from = resume && Files.exists(to) ? Files.size(to) : 0;
            long written = server.require().download("/api/v1/exports/" + ApiClient.segment(export) + "/download", to, from);
            if (from > 0 && written == 0) {
                Cli.out().line("Export %s is already whole in %s (%d bytes)", export, to, from);
            } else {
                Cli.out().line("Downloaded export %s to %s (%d bytes%s)", export, to, written, from > 0 ? " after " + from : "");
            }
            return 0;
        }
    }
}
