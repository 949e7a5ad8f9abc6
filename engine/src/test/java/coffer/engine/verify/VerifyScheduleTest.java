package coffer.engine.verify;

import coffer.engine.catalog.VerifyRun;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.vault.maintenance.ChunkSample;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link VerifySchedule} and {@link VerifySettings} as tables: which run is due, which slice, which settings are refused. */
class VerifyScheduleTest {
    static final Instant NOW = Instant.parse("2026-05-10T12:00:00Z");

    private static Optional<VerifyRun> finished(String hoursAgo, VerifyRun.Kind kind, int slice, int slices) {
        if (hoursAgo.equals("-")) {
            return Optional.empty();
        }
        Instant at = NOW.minus(Duration.ofHours(Long.parseLong(hoursAgo)));
        return Optional.of(new VerifyRun("r", "main", kind, slice, slices, at.minusSeconds(60), at, 1, 1, 1, 0, List.of(),
                0, null, null));
    }

    /** Defaults: full weekly (168 h), sampled daily (24 h). "-": never ran. next: hours from now, "-" for none. */
    @ParameterizedTest(name = "last full {0} h ago, last sampled {1} h ago, running {2} -> {3} (next in {4} h)")
    @CsvSource({
            // full  sampled running decision  next
            "-,     -,      false,  FULL,     -",     // a new vault: a full verify first
            "-,     3,      false,  FULL,     -",     // never fully verified, whatever the samples
            "168,   1,      false,  FULL,     -",     // a week since the last full one
            "200,   -,      false,  FULL,     -",
            "167,   24,     false,  SAMPLED,  -",     // a day since the last sample
            "167,   30,     false,  SAMPLED,  -",
            "20,    -,      false,  IDLE,     4",     // a full run stands in for that day's sample
            "30,    -,      false,  SAMPLED,  -",     // the day after a full run, no sample yet
            "100,   23,     false,  IDLE,     1",     // the sample is due in an hour
            "167,   2,      false,  IDLE,     1",     // the full run is due before the next sample
            "10,    5,      false,  IDLE,     19",
            "500,   500,    true,   IDLE,     -",     // a run is in progress: nothing else starts
    })
    void theDueRunFollowsTheLastRunsOfEachKind(String full, String sampled, boolean running, String decision, String next) {
        VerifySchedule.State state = new VerifySchedule.State(finished(full.strip(), VerifyRun.Kind.FULL, 0, 1),
                finished(sampled.strip(), VerifyRun.Kind.SAMPLED, 3, 28), running);
        VerifySchedule.Decision expected = switch (decision.strip()) {
            case "FULL" -> new VerifySchedule.Decision.Run(VerifyRun.Kind.FULL);
            case "SAMPLED" -> new VerifySchedule.Decision.Run(VerifyRun.Kind.SAMPLED);
            default -> new VerifySchedule.Decision.Idle(next.strip().equals("-") ? Optional.empty()
                    : Optional.of(NOW.plus(Duration.ofHours(Long.parseLong(next.strip())))));
        };
        assertEquals(expected, VerifySchedule.decide(VerifySettings.DEFAULTS, state, NOW));
    }

    @ParameterizedTest(name = "full every {0}, sampled every {1}; last full {2} h ago, last sample {3} h ago -> {4}")
    @CsvSource({
            "-,     P1D,  -,   -,   SAMPLED",    // full runs off: the samples are the only verify
            "-,     P1D,  -,   5,   IDLE",
            "P7D,   -,    30,  -,   IDLE",       // sampled runs off: only the weekly full run
            "P7D,   -,    170, -,   FULL",
            "-,     -,    -,   -,   IDLE",       // both off: never
    })
    void eitherKindCanBeTurnedOff(String fullEvery, String sampledEvery, String full, String sampled, String decision) {
        VerifySettings settings = new VerifySettings(duration(fullEvery), duration(sampledEvery),
                duration(sampledEvery) == null ? null : Duration.ofDays(28));
        VerifySchedule.Decision actual = VerifySchedule.decide(settings, new VerifySchedule.State(
                finished(full.strip(), VerifyRun.Kind.FULL, 0, 1), finished(sampled.strip(), VerifyRun.Kind.SAMPLED, 0, 28),
                false), NOW);
        switch (decision.strip()) {
            case "FULL" -> assertEquals(new VerifySchedule.Decision.Run(VerifyRun.Kind.FULL), actual);
            case "SAMPLED" -> assertEquals(new VerifySchedule.Decision.Run(VerifyRun.Kind.SAMPLED), actual);
            default -> assertTrue(actual instanceof VerifySchedule.Decision.Idle, actual.toString());
        }
    }

    @ParameterizedTest(name = "last sampled slice {0} of {1}, rotation of {2} -> slice {3}")
    @CsvSource({
            "-,  -,  28, 0",   // the first sampled run reads slice 0
            "0,  28, 28, 1",
            "26, 28, 28, 27",
            "27, 28, 28, 0",   // the rotation wraps: slices 0..27 were each read once
            "5,  28, 7,  0",   // the rotation changed length: it starts again
            "0,  1,  1,  0",   // one slice: every sampled run reads everything
    })
    void eachSampledRunReadsTheSliceAfterTheLastOne(String lastSlice, String lastSlices, int slices, int expected) {
        Optional<VerifyRun> last = lastSlice.strip().equals("-") ? Optional.empty()
                : finished("1", VerifyRun.Kind.SAMPLED, Integer.parseInt(lastSlice.strip()), Integer.parseInt(lastSlices.strip()));
        assertEquals(new ChunkSample(expected, slices), VerifySchedule.nextSample(last, slices));
    }

    @ParameterizedTest(name = "sampled every {0} over {1} -> {2} slices")
    @CsvSource({"P1D, P28D, 28", "P1D, P1D, 1", "PT8H, P7D, 21", "P1D, PT36H, 2", "P2D, P7D, 4"})
    void theRotationHasAsManySlicesAsSampledRunsFitTheRoundedUpPeriod(String every, String period, int slices) {
        assertEquals(slices, new VerifySettings(Duration.ofDays(7), Duration.parse(every), Duration.parse(period)).slices());
    }

    @Test
    void badSettingsAreRefusedNamingEveryProblem() {
        CofferException e = assertThrows(CofferException.class,
                () -> new VerifySettings(Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofMinutes(30)));
        assertEquals(ErrorCode.InvalidArgument, e.code());
        assertTrue(e.getMessage().contains("fullEvery: PT5S"), e.getMessage());
        assertTrue(e.getMessage().contains("samplePeriod: PT30M must be at least sampledEvery (PT1H)"), e.getMessage());
        CofferException many = assertThrows(CofferException.class,
                () -> new VerifySettings(null, Duration.ofMinutes(1), Duration.ofDays(1)));
        assertTrue(many.getMessage().contains("1440 slices; at most 1000"), many.getMessage());
    }

    private static Duration duration(String text) {
        return text.strip().equals("-") ? null : Duration.parse(text.strip());
    }
}
