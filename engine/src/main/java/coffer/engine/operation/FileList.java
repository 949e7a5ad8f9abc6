package coffer.engine.operation;

import java.util.List;

/**
 * One page of a directory of a point's disk: its path and entries, sorted by name. {@code count} is the page's length;
 * {@code nextCursor} asks for the next page ({@link ListFiles#cursor}), null on the last.
 */
public record FileList(String path, List<FileView> files, int count, String nextCursor) {
    public FileList {
        files = List.copyOf(files);
    }

    /** Every entry given, as one page (no next). */
    public static FileList of(String path, List<FileView> files) {
        return new FileList(path, files, files.size(), null);
    }

    public static FileList of(String path, List<FileView> files, String nextCursor) {
        return new FileList(path, files, files.size(), nextCursor);
    }
}
