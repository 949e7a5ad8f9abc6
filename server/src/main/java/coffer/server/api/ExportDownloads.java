package coffer.server.api;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.handler.ExportRecords;
import coffer.server.auth.Role;
import coffer.server.http.Routes;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Downloads of export archives: {@code GET /api/v1/exports/{export}/download} streams an available export's archive
 * ({@code application/zstd}, a tar inside), with HTTP range requests (one range: {@code Range: bytes=a-b}, {@code a-} or {@code -n}, answered
 * {@code 206 Partial Content} with {@code Content-Range}; one that cannot be satisfied: {@code 416}) so a broken
 * download resumes. Operator role: an archive holds a guest's file contents.
 * Not an operation record: its answer is the file, not a JSON record (docs/api.md). Thread-safe.
 */
public final class ExportDownloads {
    private final ExportRecords exports;

    public ExportDownloads(ExportRecords exports) {
        this.exports = exports;
    }

    /**
     * The first and last byte a {@code Range} header asks for ({@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}),
     * the whole file without one, or null when it cannot be satisfied (one range only).
     */
    static long[] range(String header, long size) {
        if (header == null) {
            return new long[] {0, size - 1};
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("bytes=(\\d*)-(\\d*)").matcher(header.trim());
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty() || size == 0) {
            return null;
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                return suffix == 0 ? null : new long[] {Math.max(0, size - suffix), size - 1};
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
            return first >= size || last < first ? null : new long[] {first, last};
        } catch (NumberFormatException tooLarge) {
            return null;
        }
    }

    public void register(Routes routes) {
        routes.get(Routes.PREFIX + "/exports/{export}/download", Role.operator, this::send);
    }

    /**
     * The same download in the web console, at {@code /exports/{export}/download}: a signed-in session with the role
     * that may export (operator), as the API's.
     */
    public void registerConsole(Routes routes, coffer.server.console.Console console) {
        console.page(routes, "/exports/{export}/download", coffer.engine.operation.ExportFiles.class,
                (ctx, session) -> send(ctx));
    }

    private void send(io.javalin.http.Context ctx) throws IOException {
            String id = ctx.pathParam("export");
            Path file = exports.available(id.matches("[A-Za-z0-9-]{1,64}") ? id : "-").orElseThrow(() -> new CofferException(
                    ErrorCode.ExportNotAvailable, "export '" + id + "' is not available for download (unknown, not"
                    + " finished, failed, cancelled or expired)"));
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                throw new CofferException(ErrorCode.ExportNotAvailable, "export '" + id + "' was removed meanwhile");
            }
            long[] range = range(ctx.header("Range"), size);
            ctx.header("Accept-Ranges", "bytes");
            ctx.header("Content-Disposition", "attachment; filename=\"coffer-export-" + id + ".tar.zst\"");
            if (range == null) {
                ctx.status(416).header("Content-Range", "bytes */" + size);
                return;
            }
            long from = range[0];
            long length = range[1] - range[0] + 1;
            if (ctx.header("Range") != null) {
                ctx.status(206).header("Content-Range", "bytes " + range[0] + "-" + range[1] + "/" + size);
            } else {
                ctx.status(200);
            }
            ctx.contentType("application/zstd").header("Content-Length", Long.toString(length));
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                 OutputStream out = ctx.outputStream()) {
                ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
                long at = from;
                long end = from + length;
                while (at < end) {
                    buffer.clear().limit((int) Math.min(buffer.capacity(), end - at));
                    int n = channel.read(buffer, at);
                    if (n < 0) {
                        break;
                    }
                    out.write(buffer.array(), 0, n);
                    at += n;
                }
            }
    }
}
