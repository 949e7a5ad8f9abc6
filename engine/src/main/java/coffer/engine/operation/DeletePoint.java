package coffer.engine.operation;

import coffer.engine.error.Problems;

/** Delete a point (refused while it is immutable and unexpired); its chunks are reclaimed by the vault's gc. */
public record DeletePoint(String point) implements Operation<Deleted> {
    public DeletePoint {
        Problems problems = new Problems();
        Rules.required(problems, "point", point, "the point");
        problems.throwIfAny("delete point request");
    }
}
