package coffer.engine.alert;

import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.ChangeSample;
import coffer.engine.error.CofferException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ChangeBaseline#judge} as tables, on the default rules (window 14, from 3 samples, 4×, 64 MiB, 0.9 vs 0.7). */
class ChangeBaselineTest {
    static final long MIB = 1 << 20;
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    /** Samples from "changed:new:stored" in MiB, newest first. */
    private static List<ChangeSample> samples(String text) {
        List<ChangeSample> samples = new ArrayList<>();
        if (text.strip().equals("-")) {
            return samples;
        }
        int i = 0;
        for (String s : text.strip().split(" ")) {
            String[] f = s.split(":");
            samples.add(new ChangeSample("p" + i, "u", T0.minusSeconds(3600L * ++i), (long) (Double.parseDouble(f[0]) * MIB),
                    (long) (Double.parseDouble(f[1]) * MIB), (long) (Double.parseDouble(f[2]) * MIB)));
        }
        return samples;
    }

    @ParameterizedTest(name = "recent {0}; now {1} -> {2}")
    @CsvSource({
            // recent samples (changed:new:stored MiB)   now                 findings
            "'-',                                        '5000:5000:5000',   '-'",              // no baseline yet
            "'50:40:20 60:40:20',                        '5000:5000:5000',   '-'",              // two samples are not enough
            "'50:40:20 60:40:20 55:40:20',               '200:150:75',       '-'",              // 3.6 × the median 55
            "'50:40:20 60:40:20 55:40:20',               '230:150:75',       'CHANGE_RATE'",    // 4.2 ×
            "'5:4:2 6:4:2 5:4:2',                        '60:50:25',         '-'",              // 12 × but under 64 MiB
            "'5:4:2 6:4:2 5:4:2',                        '64:50:25',         'CHANGE_RATE'",
            "'0:0:0 0:0:0 0:0:0',                        '100:90:45',        'CHANGE_RATE'",    // an idle instance wakes up
            "'50:40:20 60:40:20 55:40:20 9000:9000:8990','150:140:70',       '-'",              // one outlier barely moves the median
            "'50:40:20 60:40:20 55:40:20',               '100:100:99',       'ENTROPY'",        // new data stops compressing
            "'50:40:20 60:40:20 55:40:20',               '100:100:85',       '-'",              // 0.85 < 0.9
            "'50:40:38 60:40:39 55:40:40',               '100:100:100',      '-'",              // it never compressed: no jump
            "'50:40:20 60:40:20 55:40:20',               '100:50:50',        '-'",              // under 64 MiB of new data
            "'50:0.5:0.5 60:0.5:0.5 55:40:20',           '100:100:100',      '-'",              // two samples too small to judge
            "'50:40:20 60:40:20 55:40:20',               '5000:4000:3999',   'CHANGE_RATE ENTROPY'",
    })
    void aRunIsJudgedAgainstTheMedianOfTheRecentOnes(String recent, String now, String findings) {
        ChangeSample current = samples(now).getFirst();
        List<String> kinds = ChangeBaseline.judge(ChangeRules.DEFAULTS, samples(recent), current).stream()
                .map(f -> f.kind().name()).toList();
        assertEquals(findings.strip().equals("-") ? List.of() : List.of(findings.strip().split(" ")), kinds);
    }

    @Test
    void aFindingCarriesWhatWasMeasuredAndTheBaseline() {
        List<ChangeBaseline.Finding> findings = ChangeBaseline.judge(ChangeRules.DEFAULTS,
                samples("10:8:4 30:8:4 20:8:4 40:8:4"), samples("1000:800:800").getFirst());
        assertEquals(new ChangeBaseline.Finding(ChangeAlert.Kind.CHANGE_RATE, 1000.0 * MIB, 25.0 * MIB), findings.get(0));
        assertEquals(new ChangeBaseline.Finding(ChangeAlert.Kind.ENTROPY, 1.0, 0.5), findings.get(1));
    }

    @Test
    void onlyTheWindowCounts() {
        ChangeRules shortWindow = new ChangeRules(3, 3, 4.0, 0, 0.9, 0.7, 0);
        // the three newest are large; the old small ones fall outside the window
        assertEquals(List.of(), ChangeBaseline.judge(shortWindow, samples("100:1:1 100:1:1 100:1:1 1:1:1 1:1:1 1:1:1 1:1:1"),
                samples("300:1:1").getFirst()));
    }

    @Test
    void badRulesAreRefusedNamingEveryProblem() {
        CofferException e = assertThrows(CofferException.class, () -> new ChangeRules(0, 5, 1.0, -1, 1.5, 0.95, 0));
        for (String part : List.of("window: 0", "minimumSamples: 5", "rateMultiple: 1.0", "minimumBytes/sampleFloor",
                "incompressible: 1.5")) {
            assertTrue(e.getMessage().contains(part), part + " in " + e.getMessage());
        }
    }
}
