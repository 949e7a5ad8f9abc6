package coffer.engine.operation;

import coffer.engine.error.Problems;

/** Delete a consistency group; its group points and member points stay. */
public record DeleteGroup(String group) implements Operation<Deleted> {
    public DeleteGroup {
        Problems problems = new Problems();
        Rules.required(problems, "group", group, "the group (id or name)");
        problems.throwIfAny("delete group request");
    }
}
