package coffer.engine.operation;

import java.util.List;

/** Verify runs, one page newest first. {@code count} is the page's length; {@code nextCursor} asks for the next (null: the last). */
public record VerifyRunList(List<VerifyRunView> runs, int count, String nextCursor) {
    public VerifyRunList {
        runs = List.copyOf(runs);
    }

    public static VerifyRunList of(List<VerifyRunView> runs, String nextCursor) {
        return new VerifyRunList(runs, runs.size(), nextCursor);
    }
}
