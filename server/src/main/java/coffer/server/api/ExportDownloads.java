package coffer.server.api;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.handler.ExportRecords;
import coffer.server.auth.Role;
import coffer.server.http.Routes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Downloads of export archives: {@code GET /api/v1/exports/{export}/download} streams an available export's archive
 * ({@code application/zstd}, a tar inside), with HTTP range requests ({@code Range: bytes=…}, answered
 * {@code 206 Partial Content}) so a broken download resumes. Operator role: an archive holds a guest's file contents.
 * Not an operation record: its answer is the file, not a JSON record (docs/api.md).
 */
public final class ExportDownloads {
    private final ExportRecords exports;

    public ExportDownloads(ExportRecords exports) {
        this.exports = exports;
    }

    public void register(Routes routes) {
        routes.get(Routes.PREFIX + "/exports/{export}/download", Role.operator, ctx -> {
            String id = ctx.pathParam("export");
            Path file = exports.available(id.matches("[A-Za-z0-9-]{1,64}") ? id : "-").orElseThrow(() -> new CofferException(
                    ErrorCode.ExportNotAvailable, "export '" + id + "' is not available for download (unknown, not"
                    + " finished, failed, cancelled or expired)"));
            InputStream in;
            long size;
            try {
                in = Files.newInputStream(file);
                size = Files.size(file);
            } catch (IOException e) {
                throw new CofferException(ErrorCode.ExportNotAvailable, "export '" + id + "' was removed meanwhile");
            }
            ctx.header("Content-Disposition", "attachment; filename=\"coffer-export-" + id + ".tar.zst\"");
            ctx.writeSeekableStream(in, "application/zstd", size);
        });
    }
}
