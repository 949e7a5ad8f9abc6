package coffer.engine.alert;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.util.ArrayList;
import java.util.List;

/**
 * When a backup's change raises an alert (docs/design/assurance.md). Checked whole: every wrong value is named at
 * once. Immutable.
 *
 * @param window            the baseline is the median of the instance's last this many samples
 * @param minimumSamples    no alert before this many samples exist (a new instance has no baseline)
 * @param rateMultiple      CHANGE_RATE when the changed bytes exceed this multiple of the baseline's median
 * @param minimumBytes      ... and are at least this many (a quiet instance writing a few MiB more is no alarm);
 *                          the same floor applies to the new bytes an ENTROPY alert is judged on
 * @param incompressible    ENTROPY when at least this share of the new bytes did not compress (stored/new ≥ it) ...
 * @param usualCompressible ... while the median share of the instance's recent samples was at most this
 * @param sampleFloor       a sample with fewer new bytes than this says nothing of compressibility (left out of the
 *                          entropy baseline)
 */
public record ChangeRules(int window, int minimumSamples, double rateMultiple, long minimumBytes,
                          double incompressible, double usualCompressible, long sampleFloor) {
    /** Median of the last 14 runs, from the third run on; 4× and at least 64 MiB; 90 % incompressible against ≤ 70 %. */
    public static final ChangeRules DEFAULTS = new ChangeRules(14, 3, 4.0, 64L << 20, 0.9, 0.7, 1L << 20);

    public ChangeRules {
        List<String> problems = new ArrayList<>();
        if (window < 1 || window > 1000) {
            problems.add("window: " + window + " must be 1..1000 samples");
        }
        if (minimumSamples < 1 || minimumSamples > window) {
            problems.add("minimumSamples: " + minimumSamples + " must be 1..window (" + window + ")");
        }
        if (!(rateMultiple > 1.0) || Double.isInfinite(rateMultiple)) {
            problems.add("rateMultiple: " + rateMultiple + " must be a finite number above 1");
        }
        if (minimumBytes < 0 || sampleFloor < 0) {
            problems.add("minimumBytes/sampleFloor: " + minimumBytes + "/" + sampleFloor + " must not be negative");
        }
        if (!(incompressible > 0 && incompressible <= 1.0)) {
            problems.add("incompressible: " + incompressible + " must be in (0, 1]");
        }
        if (!(usualCompressible > 0 && usualCompressible < incompressible)) {
            problems.add("usualCompressible: " + usualCompressible + " must be in (0, incompressible)");
        }
        if (!problems.isEmpty()) {
            throw new CofferException(ErrorCode.InvalidArgument, "change alert rules: " + String.join("; ", problems));
        }
    }
}
