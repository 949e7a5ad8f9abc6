package coffer.engine.operation;

import coffer.engine.error.Problems;

/** One point in full: by id, unique id prefix, or instance name (its newest point). */
public record ShowPoint(String point) implements Operation<PointDetail> {
    public ShowPoint {
        Problems problems = new Problems();
        Rules.required(problems, "point", point, "the point");
        problems.throwIfAny("show point request");
    }
}
