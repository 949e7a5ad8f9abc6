package coffer.engine.operation;

import coffer.engine.error.Problems;
import coffer.engine.live.GuestPath;

/**
 * A directory of a point's disk: {@code path} (absolute, in the guest's file system; default {@code /}) on
 * {@code filesystem} (a device as {@link ListFilesystems} shows it; default: the disk's only mountable one). With
 * {@code stat} the path itself is described instead of listed. A listing is one page by name: {@code limit} entries
 * (1-{@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}) after {@code cursor} (a previous page's
 * {@link FileList#nextCursor}). With {@code escaped} the path is in the escaped form listings print
 * ({@code \xNN} for a byte that is not UTF-8, {@code \\} for a backslash: {@link GuestPath#parseEscaped}), so a name
 * that is not UTF-8 is named exactly.
 */
public record ListFiles(String point, String disk, String filesystem, String path, Boolean stat, String cursor,
                        Integer limit, Boolean escaped) implements Operation<FileList> {
    public static final int DEFAULT_LIMIT = 1000;
    public static final int MAX_LIMIT = 1000;

    public ListFiles {
        Problems problems = new Problems();
        Rules.required(problems, "point", point, "the point");
        Rules.targets(problems, "disk", java.util.Collections.singletonList(disk));
        Rules.guestPath(problems, "path", path);
        Rules.escapedGuestPath(problems, "path", path, escaped);
        Rules.device(problems, "filesystem", filesystem);
        Rules.namePage(problems, cursor, limit, MAX_LIMIT);
        problems.throwIfAny("file list request");
    }

    /** The first page of a directory, or one path described. */
    public ListFiles(String point, String disk, String filesystem, String path, Boolean stat) {
        this(point, disk, filesystem, path, stat, null, null, null);
    }

    /** A page of a directory given as text. */
    public ListFiles(String point, String disk, String filesystem, String path, Boolean stat, String cursor, Integer limit) {
        this(point, disk, filesystem, path, stat, cursor, limit, null);
    }

    /** The page after {@code next} of the same directory. */
    public ListFiles next(String next) {
        return new ListFiles(point, disk, filesystem, path, stat, next, limit, escaped);
    }

    public String pathOrRoot() {
        return path == null ? "/" : path;
    }

    /** The path asked for ({@code /} by default), its bytes as given or unescaped. */
    public GuestPath guestPath() {
        return GuestPath.parse(pathOrRoot(), Rules.flag(escaped));
    }

    public boolean statOnly() {
        return Rules.flag(stat);
    }

    /** The page size asked, or the default. */
    public int pageSize() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }
}
