package coffer.engine.operation;

import coffer.engine.error.Problems;

/** The partitions and file systems of one disk of a point (boots a libguestfs appliance: seconds to tens of seconds). */
public record ListFilesystems(String point, String disk) implements Operation<FilesystemList> {
    public ListFilesystems {
        Problems problems = new Problems();
        Rules.required(problems, "point", point, "the point");
        Rules.targets(problems, "disk", java.util.Collections.singletonList(disk));
        problems.throwIfAny("file system list request");
    }
}
