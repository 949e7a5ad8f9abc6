package coffer.engine.operation;

import coffer.engine.error.Problems;

import java.util.List;

/** Create a consistency group of 1 to {@value #MAX_MEMBERS} instances (UUIDs or names) of one host, in this order. */
public record CreateGroup(String name, List<String> instances) implements Operation<GroupView> {
    public static final int MAX_MEMBERS = 16;

    public CreateGroup {
        Problems problems = new Problems();
        if (name == null || !Rules.NAME.matcher(name).matches()) {
            problems.add("name", "1 to 64 letters, digits, '.', '_', '+' or '-', got " + (name == null ? "nothing" : "'" + name + "'"));
        }
        instances = Rules.references(problems, "instances", instances, "name the group's instances (UUID or name), at least one");
        if (instances.size() > MAX_MEMBERS) {
            problems.add("instances", "at most " + MAX_MEMBERS + " instances per group, got " + instances.size());
        }
        problems.throwIfAny("group request");
    }
}
