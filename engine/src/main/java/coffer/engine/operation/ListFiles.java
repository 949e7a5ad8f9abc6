package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * A directory of a point's disk: {@code path} (absolute, in the guest's file system; default {@code /}) on
 * {@code filesystem} (a device as {@link ListFilesystems} shows it; default: the disk's only mountable one). With
 * {@code stat} the path itself is described instead of listed.
 */
public record ListFiles(String point, String disk, String filesystem, String path, Boolean stat) implements Operation<FileList> {
    public ListFiles {
        Problems problems = new Problems();
        Rules.required(problems, "point", point, "the point");
        Rules.targets(problems, "disk", java.util.Collections.singletonList(disk));
        Rules.guestPath(problems, "path", path);
        Rules.device(problems, "filesystem", filesystem);
        problems.throwIfAny("file list request");
    }

    public String pathOrRoot() {
        return path == null ? "/" : path;
    }

    public boolean statOnly() {
        return Rules.flag(stat);
    }
}
