package coffer.engine.drill;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How restore drills run (docs/design/assurance.md). Checked whole: every wrong value is named at once. Immutable.
 *
 * @param directory    where the copies' disks are written, one subdirectory per drill (removed with the copy)
 * @param perHost      drills at once on one host (the budget)
 * @param budgetWait   how long a drill waits for the budget before it fails with {@code DrillBusy}
 * @param bootTimeout  how long the copy may take from start to an answering guest agent
 * @param checkTimeout how long the check command may run
 * @param outputLimit  characters of the check's output kept with the result
 */
public record DrillSettings(Path directory, int perHost, Duration budgetWait, Duration bootTimeout,
                            Duration checkTimeout, int outputLimit) {
    public DrillSettings {
        List<String> problems = new ArrayList<>();
        if (directory == null || !directory.isAbsolute()) {
            problems.add("directory: " + directory + " must be an absolute path");
        }
        if (perHost < 1 || perHost > 64) {
            problems.add("perHost: " + perHost + " must be 1..64");
        }
        if (budgetWait == null || budgetWait.isNegative()) {
            problems.add("budgetWait: " + budgetWait + " must not be negative");
        }
        positive("bootTimeout", bootTimeout, problems);
        positive("checkTimeout", checkTimeout, problems);
        if (outputLimit < 0 || outputLimit > 1 << 20) {
            problems.add("outputLimit: " + outputLimit + " must be 0..1048576 characters");
        }
        if (!problems.isEmpty()) {
            throw new CofferException(ErrorCode.InvalidArgument, "drill settings: " + String.join("; ", problems));
        }
    }

    private static void positive(String name, Duration value, List<String> problems) {
        if (value == null || value.isNegative() || value.isZero()) {
            problems.add(name + ": " + value + " must be a positive duration");
        }
    }

    /** One drill per host, waiting up to an hour for it; five minutes to boot, five to check; 4,000 characters of output. */
    public static DrillSettings defaults(Path directory) {
        return new DrillSettings(directory, 1, Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofMinutes(5), 4000);
    }
}
