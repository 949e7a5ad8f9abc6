package coffer.engine.reclaim;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ReclaimDecision} and {@link ReclaimSettings} as tables (defaults: deadline 10 min, retry 30 s, rescan daily). */
class ReclaimDecisionTest {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private static Optional<Instant> secondsAgo(String text) {
        return text.strip().equals("-") ? Optional.empty() : Optional.of(NOW.minusSeconds(Long.parseLong(text.strip())));
    }

    /**
     * pending: seconds since the earliest deletion not reclaimed; complete: seconds since the last complete gc; last:
     * seconds since the last step ended, and its outcome. decision: a reason to run, or WAIT with seconds to wait
     * ("-": none given).
     */
    @ParameterizedTest(name = "pending {0}, complete {1}, last step {2} {3}, running {4} -> {5} {6}")
    @CsvSource({
            // pending complete last  outcome   running decision        wait/late
            "-,      -,       -,    -,        false,  RESCAN,         false",   // first step after a start: a rescan
            "-,      3600,    3600, COMPLETE, false,  WAIT,           82800",   // nothing deleted: the next rescan in 23 h
            "-,      86400,   86400,COMPLETE, false,  RESCAN,         false",
            "5,      3600,    3600, COMPLETE, false,  DELETED,        false",   // a deletion: a step at once
            "700,    3600,    3600, COMPLETE, false,  DELETED,        true",    // ... past its 10 min deadline
            "60,     3600,    10,   BUSY,     false,  WAIT,           20",      // backups held the vault: retry in 30 s
            "60,     3600,    40,   BUSY,     false,  DELETED,        false",
            "60,     3600,    10,   FAILED,   false,  WAIT,           20",
            "60,     3600,    10,   PARTIAL,  false,  WAIT,           20",      // budget ran out: backups get the vault first
            "60,     3600,    30,   PARTIAL,  false,  CONTINUE_SWEEP, false",
            "-,      3600,    30,   PARTIAL,  false,  CONTINUE_SWEEP, false",   // a rescan's sweep continues too
            "60,     3600,    3600, COMPLETE, true,   WAIT,           -",       // a step runs: nothing else
    })
    void aStepRunsWhenDueAndBackupsGetTheVaultBetweenSteps(String pending, String complete, String last, String outcome,
                                                           boolean running, String decision, String extra) {
        Optional<ReclaimDecision.Step> step = secondsAgo(last).map(t -> new ReclaimDecision.Step(t,
                ReclaimRun.Outcome.valueOf(outcome.strip())));
        ReclaimDecision.State state = new ReclaimDecision.State(secondsAgo(pending), secondsAgo(complete), step, running);
        ReclaimDecision.Decision actual = ReclaimDecision.decide(ReclaimSettings.DEFAULTS, state, NOW);
        if (decision.strip().equals("WAIT")) {
            Optional<Instant> until = extra.strip().equals("-") ? Optional.empty()
                    : Optional.of(NOW.plusSeconds(Long.parseLong(extra.strip())));
            assertEquals(new ReclaimDecision.Decision.Wait(until), actual);
        } else {
            ReclaimSettings d = ReclaimSettings.DEFAULTS;
            assertEquals(new ReclaimDecision.Decision.Run(d.grace(), d.lockWait(), d.sweepBudget(),
                    ReclaimDecision.Reason.valueOf(decision.strip()), Boolean.parseBoolean(extra.strip())), actual);
        }
    }

    @Test
    void aGraceShorterThanTheLockStalenessWindowAndNonPositiveDurationsAreRefused() {
        CofferException e = assertThrows(CofferException.class, () -> new ReclaimSettings(Duration.ZERO,
                Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofSeconds(-1), Duration.ofSeconds(30),
                Duration.ofDays(1)));
        assertEquals(ErrorCode.InvalidArgument, e.code());
        assertTrue(e.getMessage().contains("deadline: PT0S must be a positive duration"), e.getMessage());
        assertTrue(e.getMessage().contains("sweepBudget: PT-1S must be a positive duration"), e.getMessage());
        assertTrue(e.getMessage().contains("grace: PT10M is shorter than PT20M"), e.getMessage());
        assertEquals(Duration.ofMinutes(20), ReclaimSettings.minimumGrace());
    }
}
