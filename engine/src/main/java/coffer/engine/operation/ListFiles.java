package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * A directory of a point's disk: {@code path} (absolute, in the guest's file system; default {@code /}) on
 * {@code filesystem} (a device as {@link ListFilesystems} shows it; default: the disk's only mountable one). With
 * {@code stat} the path itself is described instead of listed. A listing is one page by name: {@code limit} entries
 * (1-{@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}) after {@code cursor} (a previous page's
 * {@link FileList#nextCursor}).
 */
public record ListFiles(String point, String disk, String filesystem, String path, Boolean stat, String cursor,
                        Integer limit) implements Operation<FileList> {
    public static final int DEFAULT_LIMIT = 1000;
    public static final int MAX_LIMIT = 1000;

    public ListFiles {
        Problems problems = new Problems();
        Rules.required(problems, "point", point, "the point");
        Rules.targets(problems, "disk", java.util.Collections.singletonList(disk));
        Rules.guestPath(problems, "path", path);
        Rules.device(problems, "filesystem", filesystem);
        Rules.namePage(problems, cursor, limit, MAX_LIMIT);
        problems.throwIfAny("file list request");
    }

    /** The first page of a directory, or one path described. */
    public ListFiles(String point, String disk, String filesystem, String path, Boolean stat) {
        this(point, disk, filesystem, path, stat, null, null);
    }

    /** The page after {@code next} of the same directory. */
    public ListFiles next(String next) {
        return new ListFiles(point, disk, filesystem, path, stat, next, limit);
    }

    public String pathOrRoot() {
        return path == null ? "/" : path;
    }

    public boolean statOnly() {
        return Rules.flag(stat);
    }

    /** The page size asked, or the default. */
    public int pageSize() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }
}
