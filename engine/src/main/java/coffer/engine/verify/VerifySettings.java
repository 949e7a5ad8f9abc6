package coffer.engine.verify;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * When vaults are verified (docs/design/assurance.md). {@code fullEvery}: a full verify reads every chunk (null: never);
 * {@code sampledEvery}: a sampled verify reads one slice (null: never); {@code samplePeriod}: the sampled runs of one
 * period read every chunk once, so the rotation has {@link #slices()} = ⌈period / sampledEvery⌉ slices. Checked
 * whole: every wrong value is named at once. Immutable.
 */
public record VerifySettings(Duration fullEvery, Duration sampledEvery, Duration samplePeriod) {
    /** A full verify weekly, a sampled one daily reading 1/28 of the chunks (all of them in four weeks). */
    public static final VerifySettings DEFAULTS = new VerifySettings(Duration.ofDays(7), Duration.ofDays(1),
            Duration.ofDays(28));

    /** The most slices a rotation may have (a sampled run then reads about 0.1 % of the chunks). */
    public static final int MAX_SLICES = 1000;

    public VerifySettings {
        List<String> problems = new ArrayList<>();
        if (fullEvery != null && fullEvery.compareTo(Duration.ofMinutes(1)) < 0) {
            problems.add("fullEvery: " + fullEvery + " is shorter than a minute");
        }
        if (sampledEvery != null && sampledEvery.compareTo(Duration.ofMinutes(1)) < 0) {
            problems.add("sampledEvery: " + sampledEvery + " is shorter than a minute");
        }
        if (sampledEvery != null && (samplePeriod == null || samplePeriod.compareTo(sampledEvery) < 0)) {
            problems.add("samplePeriod: " + samplePeriod + " must be at least sampledEvery (" + sampledEvery + ")");
        } else if (sampledEvery != null && slicesOf(samplePeriod, sampledEvery) > MAX_SLICES) {
            problems.add("samplePeriod: " + samplePeriod + " / sampledEvery " + sampledEvery + " makes "
                    + slicesOf(samplePeriod, sampledEvery) + " slices; at most " + MAX_SLICES);
        }
        if (!problems.isEmpty()) {
            throw new CofferException(ErrorCode.InvalidArgument, "verify settings: " + String.join("; ", problems));
        }
    }

    /** Slices of the sampled rotation: ⌈samplePeriod / sampledEvery⌉ (1 when sampled runs are off). */
    public int slices() {
        return sampledEvery == null ? 1 : (int) slicesOf(samplePeriod, sampledEvery);
    }

    private static long slicesOf(Duration period, Duration every) {
        long p = period.toMillis();
        long e = every.toMillis();
        return (p + e - 1) / e;
    }
}
