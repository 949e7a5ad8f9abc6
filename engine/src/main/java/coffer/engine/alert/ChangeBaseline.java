package coffer.engine.alert;

import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.ChangeSample;

import java.util.ArrayList;
import java.util.List;

/**
 * Judges one backup's change against the instance's baseline: a pure function of the rules, the recent samples and
 * the new one (docs/design/assurance.md, tested by tables in {@code ChangeBaselineTest}).
 * <ul>
 *   <li>{@link ChangeAlert.Kind#CHANGE_RATE}: the median of the changed bytes of the last {@code window} samples is
 *       the baseline; the new changed bytes exceed {@code rateMultiple} times it and are at least
 *       {@code minimumBytes};</li>
 *   <li>{@link ChangeAlert.Kind#ENTROPY}: the share of new bytes that did not compress (stored / new) is at least
 *       {@code incompressible}, over at least {@code minimumBytes} of new data, while the median share of the recent
 *       samples with at least {@code sampleFloor} new bytes is at most {@code usualCompressible} (data that suddenly
 *       stops compressing; an instance whose new data never compressed has no such jump).</li>
 * </ul>
 * Neither is judged before {@code minimumSamples} samples (of the kind's own baseline) exist.
 *
 * <p>Stateless; thread-safe.
 */
public final class ChangeBaseline {
    private ChangeBaseline() {
    }

    /** What one rule found: the value measured and the baseline it was judged against. */
    public record Finding(ChangeAlert.Kind kind, double measured, double baseline) {
    }

    /**
     * @param recent the instance's samples before this one, newest first (only the first {@code window} count)
     * @param now    this backup's sample
     */
    public static List<Finding> judge(ChangeRules rules, List<ChangeSample> recent, ChangeSample now) {
        List<ChangeSample> window = recent.subList(0, Math.min(recent.size(), rules.window()));
        List<Finding> findings = new ArrayList<>();
        if (window.size() >= rules.minimumSamples()) {
            double baseline = median(window.stream().map(s -> (double) s.changedBytes()).toList());
            if (now.changedBytes() >= rules.minimumBytes() && now.changedBytes() > rules.rateMultiple() * baseline) {
                findings.add(new Finding(ChangeAlert.Kind.CHANGE_RATE, now.changedBytes(), baseline));
            }
        }
        List<Double> shares = window.stream().filter(s -> s.newBytes() > 0 && s.newBytes() >= rules.sampleFloor())
                .map(ChangeBaseline::incompressibleShare).toList();
        if (shares.size() >= rules.minimumSamples() && now.newBytes() > 0 && now.newBytes() >= rules.minimumBytes()) {
            double baseline = median(shares);
            double share = incompressibleShare(now);
            if (share >= rules.incompressible() && baseline <= rules.usualCompressible()) {
                findings.add(new Finding(ChangeAlert.Kind.ENTROPY, share, baseline));
            }
        }
        return findings;
    }

    /** Stored bytes over new bytes: about 1 for data that did not compress (random, encrypted), less for data that did. */
    static double incompressibleShare(ChangeSample sample) {
        return (double) sample.newStoredBytes() / sample.newBytes();
    }

    /** The median (the mean of the two middle values of an even count). */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
