package coffer.engine.alert;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.ChangeMeasure;
import coffer.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ChangeWatch} on a real catalog: samples of incrementals only, alerts raised on the point, acknowledgement. */
class ChangeWatchTest {
    static final long MIB = 1 << 20;
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir Path dir;
    TestDatabase database;
    Catalog catalog;
    MutableClock clock = new MutableClock(T0);
    ChangeWatch watch;

    @BeforeEach
    void open() {
        database = TestDatabase.sqlite(dir);
        catalog = Catalog.open(database.config());
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.instances().refresh("local", List.of(new Instance("u-web", "local", "web", "running", List.of(), T0, false)));
        watch = new ChangeWatch(catalog, ChangeRules.DEFAULTS, clock);
    }

    @AfterEach
    void close() throws Exception {
        catalog.close();
        database.close();
    }

    private ChangeWatch.Outcome backup(int hour, boolean incremental, long changedMiB, long newMiB, long storedMiB) {
        clock.set(T0.plus(Duration.ofHours(hour)).plusSeconds(30));
        ChangeMeasure measure = new ChangeMeasure(List.of(
                new ChangeMeasure.Disk("vda", incremental, incremental ? changedMiB * MIB : 0, newMiB * MIB, storedMiB * MIB),
                new ChangeMeasure.Disk("vdb", false, 0, 999 * MIB, 999 * MIB))); // a hot-added disk read in full: not counted
        return watch.observe(new ChangeWatch.Observation("u-web", "p" + hour, T0.plus(Duration.ofHours(hour)), "job-" + hour,
                measure));
    }

    @Test
    void ordinaryRunsRaiseNothingAndARewriteRaisesBothAlertsOnItsPoint() {
        assertTrue(backup(0, false, 0, 4000, 2000).sample().isEmpty(), "a full read is no sample");
        for (int hour = 1; hour <= 4; hour++) {
            ChangeWatch.Outcome ordinary = backup(hour, true, 40 + hour, 30, 12);
            assertEquals(List.of(), ordinary.raised());
            assertEquals((40 + hour) * MIB, ordinary.sample().orElseThrow().changedBytes(),
                    "the incremental disk's dirty bytes only");
        }
        ChangeWatch.Outcome rewrite = backup(5, true, 3000, 2900, 2899);
        assertEquals(List.of(ChangeAlert.Kind.CHANGE_RATE, ChangeAlert.Kind.ENTROPY),
                rewrite.raised().stream().map(ChangeAlert::kind).toList());
        ChangeAlert rate = rewrite.raised().getFirst();
        assertEquals("p5", rate.pointId());
        assertEquals("job-5", rate.jobId());
        assertEquals(T0.plus(Duration.ofHours(5)), rate.pointCreatedAt());
        assertEquals(3000.0 * MIB, rate.measured());
        assertEquals(42.5 * MIB, rate.baseline(), "median of 41, 42, 43, 44 MiB");
        assertEquals(rewrite.raised(), watch.standing("u-web"));
    }

    @Test
    void acknowledgingEndsAnAlertOnceAndUnknownAlertsAreNamed() {
        for (int hour = 1; hour <= 3; hour++) {
            backup(hour, true, 10, 10, 5);
        }
        ChangeAlert alert = backup(4, true, 5000, 10, 5).raised().getFirst();
        clock.advance(Duration.ofMinutes(5));
        ChangeAlert acknowledged = watch.acknowledge(alert.id(), "ops-token", "a planned restore of the database");
        assertEquals(clock.instant(), acknowledged.acknowledgedAt());
        assertEquals("ops-token", acknowledged.acknowledgedBy());
        assertEquals(List.of(), watch.standing("u-web"));
        clock.advance(Duration.ofMinutes(5));
        assertEquals(acknowledged, watch.acknowledge(alert.id(), "admin", "later"), "the first acknowledgement stands");

        CofferException unknown = assertThrows(CofferException.class, () -> watch.acknowledge("a-404", "ops", null));
        assertEquals(ErrorCode.ResourceNotFound, unknown.code());
        assertTrue(unknown.getMessage().contains("a-404"));
        assertEquals(ErrorCode.InvalidArgument,
                assertThrows(CofferException.class, () -> watch.acknowledge(alert.id(), " ", null)).code());
    }
}
