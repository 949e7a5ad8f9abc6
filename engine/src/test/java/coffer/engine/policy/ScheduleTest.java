package coffer.engine.policy;

import coffer.engine.error.Problems;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.ZoneId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "I|1631685600|P1D;    2021-09-15T06:00:00Z; P1D",
            "I|1631685600|PT4H;   2021-09-15T06:00:00Z; PT4H",
            "I|1631685600|P1W;    2021-09-15T06:00:00Z; P1W",
            "I|0|PT1H;            1970-01-01T00:00:00Z; PT1H",
            "I|1631685600|PT8760H;2021-09-15T06:00:00Z; PT8760H",
            "I|1631685600|P365D;  2021-09-15T06:00:00Z; P365D",
            "I|1631685600|P52W;   2021-09-15T06:00:00Z; P52W"})
    void parsesAndFormatsTheIForm(String text, Instant start, String interval) {
        Schedule schedule = Schedule.parse(text);
        assertEquals(start, schedule.start());
        assertEquals(interval, schedule.interval().iso());
        assertEquals(text, schedule.format());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "'';                      a schedule is required",
            "C|1631685600|P1D;        is not of the form I|<unix start seconds>|<interval>",
            "I|1631685600;            is not of the form",
            "I|1631685600|P1D|x;      is not of the form",
            "I|-5|P1D;                '-5' in 'I|-5|P1D' is not a unix time in whole seconds",
            "I|16316856.5|P1D;        is not a unix time in whole seconds",
            "I|999999999999|P1D;      schedule.start: +33658-09-27T01:46:39Z is outside 1970-01-01T00:00:00Z..9999-12-31T23:59:59Z",
            "I|1631685600|;           an interval is required",
            "I|1631685600|P1M;        months and years are not schedule intervals",
            "I|1631685600|P1Y;        months and years are not schedule intervals",
            "I|1631685600|PT30M;      the smallest interval is one hour",
            "I|1631685600|PT90S;      the smallest interval is one hour",
            "I|1631685600|P1DT2H;     express it in hours, e.g. PT30H",
            "I|1631685600|P0D;        interval 0 days is out of range: 1 to 365 days",
            "I|1631685600|PT0H;       interval 0 hours is out of range: 1 to 8760 hours",
            "I|1631685600|P366D;      interval 366 days is out of range: 1 to 365 days",
            "I|1631685600|P53W;       interval 53 weeks is out of range: 1 to 52 weeks",
            "I|1631685600|PT8761H;    interval 8761 hours is out of range",
            "I|1631685600|p1d;        'p1d' is not an interval Coffer supports",
            "I|1631685600|1D;         '1D' is not an interval Coffer supports",
            "I|1631685600|P-1D;       'P-1D' is not an interval Coffer supports",
            "I|1631685600|PT4.5H;     'PT4.5H' is not an interval Coffer supports"})
    void refusesBadSchedulesNamingTheValue(String text, String expected) {
        CofferException e = assertThrows(CofferException.class, () -> Schedule.parse(text));
        assertEquals(ErrorCode.InvalidArgument, e.code());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("schedule"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            // schedule; t; next slot strictly after t
            "I|1631685600|P1D;  2021-09-01T00:00:00Z; 2021-09-15T06:00:00Z", // before the start: the start
            "I|1631685600|P1D;  2021-09-15T05:59:59Z; 2021-09-15T06:00:00Z",
            "I|1631685600|P1D;  2021-09-15T06:00:00Z; 2021-09-16T06:00:00Z", // on a slot: the next one
            "I|1631685600|P1D;  2021-09-15T06:00:01Z; 2021-09-16T06:00:00Z",
            "I|1631685600|PT4H; 2021-09-15T09:59:59Z; 2021-09-15T10:00:00Z",
            "I|1631685600|PT4H; 2021-09-20T10:00:00Z; 2021-09-20T14:00:00Z",
            "I|1631685600|P1W;  2021-09-22T06:00:00Z; 2021-09-29T06:00:00Z",
            "I|1631685600|P2W;  2021-09-22T06:00:00Z; 2021-09-29T06:00:00Z",
            "I|1631685600|PT5H; 2022-01-01T00:00:00Z; 2022-01-01T04:00:00Z"})
    void nextRunAfter(String schedule, Instant t, Instant next) {
        assertEquals(next, Schedule.parse(schedule).nextAfter(t));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            // zone; start; interval; t; next (daily stays at local wall time across DST)
            "Europe/Berlin;    2024-03-29T01:00:00Z; P1D;  2024-03-30T12:00:00Z; 2024-03-31T01:00:00Z", // 02:00 CET; 02:00 on the 31st is in the gap: 03:00 CEST
            "Europe/Berlin;    2024-03-29T00:00:00Z; P1D;  2024-03-30T12:00:00Z; 2024-03-31T00:00:00Z", // 01:00 CET, still CET on the 31st
            "Europe/Berlin;    2024-03-25T10:00:00Z; P1W;  2024-03-30T12:00:00Z; 2024-04-01T09:00:00Z", // weekly 11:00 CET -> 11:00 CEST
            "Europe/Berlin;    2024-10-25T23:30:00Z; P1D;  2024-10-27T00:00:00Z; 2024-10-28T00:30:00Z", // 01:30 CEST; the 27th's 01:30 was 23:30Z; then 01:30 CET
            "Europe/Berlin;    2024-10-25T00:30:00Z; P1D;  2024-10-27T00:00:00Z; 2024-10-27T00:30:00Z", // 02:30 CEST; the 27th's 02:30 is twice: the start's offset (CEST) wins
            "Europe/Berlin;    2024-10-20T04:00:00Z; P1W;  2024-10-26T12:00:00Z; 2024-10-27T05:00:00Z", // weekly 06:00 CEST -> 06:00 CET
            "America/New_York; 2024-03-09T07:00:00Z; P1D;  2024-03-09T08:00:00Z; 2024-03-10T07:00:00Z", // 02:00 EST; gap: 03:00 EDT
            "America/New_York; 2024-11-02T05:00:00Z; P1D;  2024-11-02T06:00:00Z; 2024-11-03T05:00:00Z", // 01:00 EDT; overlap: 01:00 EDT (the start's offset)
            "America/New_York; 2024-11-01T16:00:00Z; P1D;  2024-11-03T00:00:00Z; 2024-11-03T17:00:00Z", // noon EDT -> noon EST
            "America/New_York; 2024-11-02T04:00:00Z; PT24H; 2024-11-03T00:00:00Z; 2024-11-03T04:00:00Z"}) // hours are exact: 00:00 EDT -> 23:00 EST
    void daysAndWeeksKeepLocalTimeAcrossDaylightSaving(ZoneId zone, Instant start, String interval, Instant t,
                                                      Instant next) {
        Schedule schedule = new Schedule(start, Interval.parse("interval", interval), zone);
        assertEquals(next, schedule.nextAfter(t));
    }

    @Test
    void scheduleStartingInsideAnAutumnOverlapStartsAtItsStart() {
        Instant laterOne30 = Instant.parse("2024-10-27T00:30:00Z"); // 02:30 CET, the second 02:30 in Berlin
        Schedule schedule = new Schedule(laterOne30, Interval.days(1), BERLIN);
        assertEquals(laterOne30, schedule.slot(0));
        assertEquals(Instant.parse("2024-10-28T01:30:00Z"), schedule.slot(1));
        assertEquals(laterOne30, schedule.nextAfter(laterOne30.minusSeconds(1)));
    }

    @Test
    void slotCountsAcrossAYearOfDaysAreExact() {
        Schedule schedule = new Schedule(Instant.parse("2024-01-01T01:00:00Z"), Interval.days(1), NEW_YORK);
        assertEquals(366, schedule.slotsBetween(Instant.parse("2024-01-01T00:00:00Z"),
                Instant.parse("2024-12-31T23:59:59Z")));
        for (long k = 0; k < 366; k++) {
            assertEquals(k, schedule.indexAtOrBefore(schedule.slot(k)));
            assertEquals(k - 1, schedule.indexAtOrBefore(schedule.slot(k).minusSeconds(1)));
        }
    }

    @Test
    void checkReportsAFractionalStart() {
        Problems problems = new Problems();
        Schedule.of(Instant.parse("2024-01-01T00:00:00.5Z"), Interval.hours(1)).check("schedule", problems);
        assertEquals("schedule.start", problems.list().getFirst().field());
    }
}
