package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Lookup;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.live.ExportArea;
import coffer.engine.live.FileArchive;
import coffer.engine.live.BrowseSessions;
import coffer.engine.live.LiveAccess;
import coffer.engine.operation.ExportFiles;
import coffer.engine.operation.ExportResult;
import coffer.engine.vault.VaultDirectory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;

/**
 * Exports chosen paths of a point's disk into the server's export area (docs/design/live-access.md): the disk served
 * from the vault and read by a libguestfs appliance (the disk's browsing session, {@link BrowseSessions}), the paths streamed as tar + zstd
 * ({@link FileArchive}: relative names, links stored as links) into {@code <id>.tar.zst.part}, renamed when complete.
 * Cancelled or failed, the partial archive is removed. The result records size, SHA-256 and expiry. Stateless;
 * thread-safe.
 */
final class ExportHandler implements JobHandler<ExportFiles, ExportResult> {
    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final BrowseSessions browsing;
    private final ExportArea area;
    private final Clock clock;

    ExportHandler(Catalog catalog, VaultDirectory vaults, LiveAccess live, Clock clock) {
        this.catalog = catalog;
        this.vaults = vaults;
        this.browsing = live.browsing();
        this.area = live.exports();
        this.clock = clock;
    }

    @Override
    public ExportResult run(ExportFiles export, Job job, JobContext context) throws IOException {
        if (area == null) {
            throw new CofferException(ErrorCode.InvalidArgument, "this worker has no export area; exports run on a server");
        }
        PointRecord point = Lookup.point(catalog, export.point());
        Lookup.disk(point, export.disk());
        Path part = area.startArchive(job.id());
        boolean done = false;
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            context.info("opening the file browser (a libguestfs appliance, or the disk's open browsing session) on disk "
                    + export.disk() + " of point " + point.id());
            FileArchive.Summary summary = browsing.mounted(vaults.open(point.vault()), point.vault(), point.id(), export.disk(),
                    export.filesystem(), files -> {
                        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(part), sha)) {
                            return files.archivePaths(export.guestPaths(), export.sparseLimitBytes(), out);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
            area.finish(job.id());
            done = true;
            long bytes = Files.size(area.archive(job.id()));
            context.info("archive of " + summary.files() + " file(s), " + summary.directories() + " directories, "
                    + summary.links() + " link(s): " + bytes + " bytes" + (summary.skippedSpecial() + summary.skippedNames() > 0
                    ? "; left out: " + summary.skippedSpecial() + " special file(s), " + summary.skippedNames() + " unusable name(s)" : ""));
            return new ExportResult(job.id(), point.id(), export.disk(), export.filesystem(), export.paths(), bytes,
                    HexFormat.of().formatHex(sha.digest()), summary.files(), summary.directories(), summary.links(),
                    summary.skippedSpecial() + summary.skippedNames(), clock.instant().plus(export.lifetime()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (UncheckedIOException e) {
            throw Errors.classify(e.getCause());
        } finally {
            if (!done) {
                area.remove(job.id());
            }
        }
    }
}
