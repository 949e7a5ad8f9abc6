package coffer.engine.operation;

import coffer.engine.error.Problems;

/** One consistency group, by id or name. */
public record ShowGroup(String group) implements Operation<GroupView> {
    public ShowGroup {
        Problems problems = new Problems();
        Rules.required(problems, "group", group, "the group (id or name)");
        problems.throwIfAny("show group request");
    }
}
