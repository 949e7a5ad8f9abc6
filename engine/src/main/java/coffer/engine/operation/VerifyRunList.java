package coffer.engine.operation;

import java.util.List;

/** Verify runs, newest first. {@code count} is the list's length. */
public record VerifyRunList(List<VerifyRunView> runs, int count) {
    public VerifyRunList {
        runs = List.copyOf(runs);
    }

    public static VerifyRunList of(List<VerifyRunView> runs) {
        return new VerifyRunList(runs, runs.size());
    }
}
