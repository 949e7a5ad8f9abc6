package coffer.engine.operation;

import java.util.List;

/** What a retention sweep did: the points deleted, and the failures (by point). */
public record SweepResult(List<String> deleted, List<String> failures) {
}
