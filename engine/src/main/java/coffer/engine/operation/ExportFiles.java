package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.job.JobType;
import coffer.engine.live.GuestPath;

import java.time.Duration;
import java.util.List;

/**
 * Export chosen files and directories of a point's disk as one archive (tar + zstd) into the server's export area,
 * kept for download until it expires ({@code expires}: a lifetime such as {@code 7d}; default
 * {@link #DEFAULT_LIFETIME}). Paths are absolute in the guest's file system on {@code filesystem} (default: the disk's
 * only mountable one); archive names are relative, links are stored as links (docs/design/live-access.md). With
 * {@code escaped} the paths are in the escaped form listings print ({@link GuestPath#parseEscaped}), so a name that is
 * not UTF-8 is named exactly. {@code sparseLimit} ({@code 64G}: a whole number and K, M, G or T, binary; default
 * {@code 1G}) bounds the bytes of holes the export reads over all its files ({@link coffer.engine.live.FileArchive}:
 * a file that would go over it is refused, {@code ExportTooSparse}).
 */
public record ExportFiles(String point, String disk, String filesystem, List<String> paths, String expires,
                          Boolean escaped, String sparseLimit) implements JobOperation<ExportResult> {
    public static final Duration DEFAULT_LIFETIME = Duration.ofDays(1);
    public static final Duration MAX_LIFETIME = Duration.ofDays(30);
    public static final int MAX_PATHS = 100;

    public ExportFiles {
        Problems problems = new Problems();
        Rules.required(problems, "point", point, "the point");
        Rules.targets(problems, "disk", java.util.Collections.singletonList(disk));
        Rules.device(problems, "filesystem", filesystem);
        if (paths == null || paths.isEmpty() || paths.size() > MAX_PATHS) {
            problems.add("paths", "1 to " + MAX_PATHS + " absolute paths, got " + (paths == null ? "none" : paths.size()));
        } else {
            paths.forEach(p -> {
                Rules.guestPath(problems, "paths", p == null ? "" : p);
                Rules.escapedGuestPath(problems, "paths", p, escaped);
            });
        }
        Rules.lifetime(problems, "expires", expires, MAX_LIFETIME);
        Rules.byteCount(problems, "sparseLimit", sparseLimit);
        problems.throwIfAny("export request");
        paths = List.copyOf(paths);
    }

    /** The default {@code sparseLimit}. */
    public ExportFiles(String point, String disk, String filesystem, List<String> paths, String expires, Boolean escaped) {
        this(point, disk, filesystem, paths, expires, escaped, null);
    }

    /** Paths given as text. */
    public ExportFiles(String point, String disk, String filesystem, List<String> paths, String expires) {
        this(point, disk, filesystem, paths, expires, null);
    }

    /** The paths asked for, their bytes as given or unescaped. */
    public List<GuestPath> guestPaths() {
        return paths.stream().map(p -> GuestPath.parse(p, Rules.flag(escaped))).toList();
    }

    /** The bytes of holes the export may read: {@code sparseLimit}, or {@link coffer.engine.live.FileArchive#DEFAULT_SPARSE_LIMIT}. */
    public long sparseLimitBytes() {
        Long given = Rules.byteCount(new Problems(), "sparseLimit", sparseLimit);
        return given == null ? coffer.engine.live.FileArchive.DEFAULT_SPARSE_LIMIT : given;
    }

    public Duration lifetime() {
        Duration given = Rules.lifetime(new Problems(), "expires", expires, MAX_LIFETIME);
        return given == null ? DEFAULT_LIFETIME : given;
    }

    public ExportFiles resolved(String pointId) {
        return new ExportFiles(pointId, disk, filesystem, paths, expires, escaped, sparseLimit);
    }

    @Override
    public JobType type() {
        return JobType.export;
    }

    @Override
    public String target() {
        return point;
    }
}
