package coffer.engine.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RunDecisionTest {
    private static final Schedule HOURLY = Schedule.parse("I|1704067200|PT1H"); // 2024-01-01T00:00Z
    private static final Schedule DAILY = Schedule.parse("I|1704067200|P1D");

    @ParameterizedTest(name = "[{index}] {0} persisted {1}, now {2}")
    @CsvSource(delimiter = ';', nullValues = "-", value = {
            // schedule; persisted next run; now; run for slot; coalesced; next run to persist
            "hourly; 2024-01-01T05:00:00Z; 2024-01-01T04:59:59Z; -;                    0; 2024-01-01T05:00:00Z", // not yet
            "hourly; 2024-01-01T05:00:00Z; 2024-01-01T05:00:00Z; 2024-01-01T05:00:00Z; 0; 2024-01-01T06:00:00Z", // on time
            "hourly; 2024-01-01T05:00:00Z; 2024-01-01T05:00:07Z; 2024-01-01T05:00:00Z; 0; 2024-01-01T06:00:00Z", // a tick late
            "hourly; 2024-01-01T05:00:00Z; 2024-01-01T05:45:00Z; 2024-01-01T05:00:00Z; 0; 2024-01-01T06:00:00Z", // down 45 minutes
            "hourly; 2024-01-01T05:00:00Z; 2024-01-01T06:00:00Z; 2024-01-01T06:00:00Z; 1; 2024-01-01T07:00:00Z", // down until the next slot: one run
            "hourly; 2024-01-01T05:00:00Z; 2024-01-01T07:30:00Z; 2024-01-01T07:00:00Z; 2; 2024-01-01T08:00:00Z", // 3 slots missed: one run
            "hourly; 2024-01-01T05:00:00Z; 2024-01-04T05:10:00Z; 2024-01-04T05:00:00Z; 72; 2024-01-04T06:00:00Z", // down 3 days
            "daily;  2024-01-02T00:00:00Z; 2024-01-02T00:20:00Z; 2024-01-02T00:00:00Z; 0; 2024-01-03T00:00:00Z", // daily, down minutes
            "daily;  2024-01-02T00:00:00Z; 2024-01-05T12:00:00Z; 2024-01-05T00:00:00Z; 3; 2024-01-06T00:00:00Z", // daily, down days
            "daily;  2024-01-02T00:00:00Z; 2024-01-01T23:59:59Z; -;                    0; 2024-01-02T00:00:00Z",
            "daily;  2024-01-02T10:00:00Z; 2024-01-02T10:00:00Z; 2024-01-02T10:00:00Z; 0; 2024-01-03T00:00:00Z", // off-schedule time (run now): run it
            "daily;  2024-01-02T10:00:00Z; 2024-01-04T10:00:00Z; 2024-01-04T00:00:00Z; 2; 2024-01-05T00:00:00Z", // off-schedule + 2 slots: one run
            "daily;  2023-12-31T00:00:00Z; 2024-01-01T00:00:00Z; 2024-01-01T00:00:00Z; 1; 2024-01-02T00:00:00Z"}) // persisted before the start
    void atMostOneCatchUpRunThenTheNextRegularSlot(String schedule, Instant persisted, Instant now, Instant runFor,
                                                   long coalesced, Instant next) {
        RunDecision decision = RunDecision.decide(schedule.equals("hourly") ? HOURLY : DAILY, persisted, now);
        assertEquals(new RunDecision(Optional.ofNullable(runFor), coalesced, next), decision);
    }
}
