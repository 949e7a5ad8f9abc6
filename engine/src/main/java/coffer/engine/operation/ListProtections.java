package coffer.engine.operation;

import coffer.engine.error.Problems;

/** The protected instances; only those whose points go to a vault of {@code region} when given. */
public record ListProtections(String region) implements Operation<ProtectionList> {
    public ListProtections {
        Problems problems = new Problems();
        Rules.name(problems, "region", region, "a region: ");
        problems.throwIfAny("protection list request");
    }
}
