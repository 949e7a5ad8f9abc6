package coffer.engine.operation;

import coffer.engine.error.Problems;

/** Why a point is kept, and until when. */
public record ShowRetention(String point) implements Operation<RetentionView> {
    public ShowRetention {
        Problems problems = new Problems();
        Rules.required(problems, "point", point, "the point");
        problems.throwIfAny("show retention request");
    }
}
