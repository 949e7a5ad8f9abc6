package coffer.engine.operation;

import java.util.List;

/** A directory of a point's disk: its path and entries, sorted by name. {@code count} is the list's length. */
public record FileList(String path, List<FileView> files, int count) {
    public FileList {
        files = List.copyOf(files);
    }

    public static FileList of(String path, List<FileView> files) {
        return new FileList(path, files, files.size());
    }
}
