package coffer.engine.catalog;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link VerifyRuns}, {@link DrillRuns} and {@link ChangeAlerts} must do (V6 schema), and {@link Mounts} (V9), on
 * SQLite and PostgreSQL.
 */
abstract class AssuranceCatalogContract extends CatalogFixture {
    static final Instant T0 = Instant.parse("2026-04-01T00:00:00Z");

    @BeforeEach
    void instances() {
        webAndDb(T0);
    }

    private static VerifyRun run(String id, String vault, VerifyRun.Kind kind, int slice, int slices, Instant finished) {
        return new VerifyRun(id, vault, kind, slice, slices, finished.minusSeconds(30), finished, 3, 40, 40L << 20,
                kind == VerifyRun.Kind.FULL ? 2 : 0, kind == VerifyRun.Kind.FULL ? List.of("p-1", "p-2") : List.of(),
                kind == VerifyRun.Kind.FULL ? 1 : 0, null, "job-" + id);
    }

    @Test
    void verifyRunsReadBackAndTheLatestOfEachKindIsFound() {
        VerifyRun full = run("v-1", "main", VerifyRun.Kind.FULL, 0, 1, T0);
        VerifyRun sampled1 = run("v-2", "main", VerifyRun.Kind.SAMPLED, 4, 28, T0.plusSeconds(3600));
        VerifyRun sampled2 = run("v-3", "main", VerifyRun.Kind.SAMPLED, 5, 28, T0.plusSeconds(7200));
        VerifyRun elsewhere = run("v-4", "other", VerifyRun.Kind.SAMPLED, 9, 28, T0.plusSeconds(9000));
        for (VerifyRun r : List.of(sampled2, full, elsewhere, sampled1)) {
            catalog.verifyRuns().record(r);
        }
        assertEquals(full, catalog.verifyRuns().latest("main", VerifyRun.Kind.FULL).orElseThrow());
        assertEquals(sampled2, catalog.verifyRuns().latest("main", VerifyRun.Kind.SAMPLED).orElseThrow());
        assertEquals(List.of(sampled2, sampled1, full), catalog.verifyRuns().recent("main", 10));
        assertEquals(List.of(sampled2), catalog.verifyRuns().recent("main", 1));
        assertTrue(catalog.verifyRuns().latest("none", VerifyRun.Kind.FULL).isEmpty());
    }

    @Test
    void drillRunsReadBackAndTheLastPassedOneOfAPointIsFound() {
        DrillRun passed = new DrillRun("d-1", "u-web", "p-1", "main", T0, T0.plusSeconds(40), true, null, null,
                Duration.ofMillis(3200), Duration.ofMillis(4100), Duration.ofMillis(90), 0, "ok\n", "job-1");
        DrillRun failed = new DrillRun("d-2", "u-web", "p-1", "main", T0.plusSeconds(60), T0.plusSeconds(80), false,
                DrillRun.Phase.CHECK, "check command exited 3", Duration.ofMillis(3000), Duration.ofMillis(4000),
                Duration.ofMillis(50), 3, "", null);
        DrillRun broken = new DrillRun("d-3", "u-web", "p-2", "main", T0.plusSeconds(90), T0.plusSeconds(95), false,
                DrillRun.Phase.RESTORE, "DataCorrupt: chunk … is damaged", null, null, null, null, null, null);
        for (DrillRun r : List.of(passed, failed, broken)) {
            catalog.drillRuns().record(r);
        }
        assertEquals(List.of(broken, failed, passed), catalog.drillRuns().ofInstance("u-web", 10));
        assertEquals(passed, catalog.drillRuns().lastPassed("p-1").orElseThrow());
        assertTrue(catalog.drillRuns().lastPassed("p-2").isEmpty());
        assertEquals(List.of(), catalog.drillRuns().ofInstance("u-db", 10));
    }

    private static DrillRun drill(String id, String instance, String point, int finishedSecond, boolean passed) {
        return new DrillRun(id, instance, point, "main", T0, T0.plusSeconds(finishedSecond), passed,
                passed ? null : DrillRun.Phase.BOOT, passed ? null : "no agent", null, null, null, null, null, null);
    }

    private void point(String id, String instance, int second) {
        catalog.points().upsert(new PointRecord(id, "main", instance, instance, T0.plusSeconds(second), "available",
                "CRASH", 10, 5, null, null, List.of()));
    }

    @Test
    void eachInstanceWithPointsHasItsNewestDrillAndItsNewestPassedDrillOfOneOfItsPoints() {
        point("p-1", "u-web", 1);
        point("p-2", "u-web", 2);
        DrillRun passedOld = drill("d-1", "u-web", "p-1", 10, true);
        DrillRun passedNew = drill("d-2", "u-web", "p-2", 20, true);
        DrillRun passedOfDeletedPoint = drill("d-3", "u-web", "p-gone", 30, true);
        DrillRun failedLast = drill("d-4", "u-web", "p-2", 40, false);
        DrillRun ofInstanceWithoutPoints = drill("d-5", "u-db", "p-9", 50, true);
        for (DrillRun r : List.of(failedLast, passedOld, ofInstanceWithoutPoints, passedNew, passedOfDeletedPoint)) {
            catalog.drillRuns().record(r);
        }
        assertEquals(List.of(new DrillRuns.Drilled("u-web", "web", failedLast, java.util.Optional.of(passedNew))),
                catalog.drillRuns().latestOfInstancesWithPoints(),
                "u-db has no point; the passed drill of a deleted point proves nothing");

        point("p-3", "u-db", 3);
        DrillRun failedOnly = drill("d-6", "u-db", "p-3", 60, false);
        catalog.drillRuns().record(failedOnly);
        assertEquals(List.of(new DrillRuns.Drilled("u-db", "db", failedOnly, java.util.Optional.empty()),
                        new DrillRuns.Drilled("u-web", "web", failedLast, java.util.Optional.of(passedNew))),
                catalog.drillRuns().latestOfInstancesWithPoints());
    }

    @Test
    void changeSamplesComeNewestFirstBeforeAnInstantAndAPointHasOneSample() {
        ChangeAlerts alerts = catalog.changeAlerts();
        for (int i = 0; i < 5; i++) {
            alerts.recordSample(new ChangeSample("p-" + i, "u-web", T0.plusSeconds(3600L * i), 1000 + i, 800, 400));
        }
        alerts.recordSample(new ChangeSample("p-3", "u-web", T0.plusSeconds(3600L * 3), 7777, 800, 400));
        alerts.recordSample(new ChangeSample("q-0", "u-db", T0, 5, 5, 5));
        List<ChangeSample> before = alerts.samplesBefore("u-web", T0.plusSeconds(3600L * 4), 3);
        assertEquals(List.of("p-3", "p-2", "p-1"), before.stream().map(ChangeSample::pointId).toList());
        assertEquals(7777, before.getFirst().changedBytes(), "the second sample of p-3 replaced the first");
    }

    @Test
    void anAlertStandsUntilItsFirstAcknowledgement() {
        ChangeAlerts alerts = catalog.changeAlerts();
        ChangeAlert rate = new ChangeAlert("a-1", "u-web", "p-9", T0, ChangeAlert.Kind.CHANGE_RATE, 8.0e9, 1.0e8,
                T0.plusSeconds(5), "job-9", null, null, null);
        ChangeAlert entropy = new ChangeAlert("a-2", "u-web", "p-9", T0, ChangeAlert.Kind.ENTROPY, 0.999, 0.41,
                T0.plusSeconds(6), "job-9", null, null, null);
        alerts.raise(rate);
        alerts.raise(entropy);
        assertEquals(List.of(rate, entropy), alerts.unacknowledged("u-web"));
        assertEquals(List.of(rate, entropy), alerts.unacknowledged());
        assertEquals(List.of(), alerts.unacknowledged("u-db"));

        assertTrue(alerts.acknowledge("a-1", "ops-token", T0.plusSeconds(600), "planned re-encryption"));
        assertFalse(alerts.acknowledge("a-1", "someone-else", T0.plusSeconds(700), null), "the first one stands");
        assertFalse(alerts.acknowledge("a-404", "ops-token", T0, null));
        ChangeAlert acknowledged = alerts.find("a-1").orElseThrow();
        assertEquals(T0.plusSeconds(600), acknowledged.acknowledgedAt());
        assertEquals("ops-token", acknowledged.acknowledgedBy());
        assertEquals("planned re-encryption", acknowledged.note());
        assertEquals(List.of(entropy), alerts.unacknowledged("u-web"));
        assertEquals(List.of(entropy, acknowledged), alerts.ofInstance("u-web", 10));
        ChangeAlert other = new ChangeAlert("a-3", "u-db", "p-4", T0, ChangeAlert.Kind.CHANGE_RATE, 9.0e9, 1.0e8,
                T0.plusSeconds(7), "job-4", null, null, null);
        alerts.raise(other);
        assertEquals(List.of(other, entropy, acknowledged), alerts.recent(10), "every instance's, acknowledged ones too");
        assertEquals(List.of(other), alerts.recent(1));
    }

    /** Mounts (V9): made, attached, ended once (the first end stands), listed active and recent. */
    @Test
    void anExportRemovalIsRecordedOnceAndFoundAmongOthers() {
        java.time.Instant at = java.time.Instant.parse("2026-03-01T10:00:00Z");
        assertTrue(catalog.exportRemovals().find("x-1").isEmpty());
        assertTrue(catalog.exportRemovals().removed("x-1", at, "API request"));
        assertFalse(catalog.exportRemovals().removed("x-1", at.plusSeconds(5), "again"), "the first removal stands");
        assertEquals(java.util.Optional.of(at), catalog.exportRemovals().find("x-1"));
        assertEquals(java.util.Map.of("x-1", at), catalog.exportRemovals().among(java.util.List.of("x-1", "x-2")));
        assertEquals(java.util.Map.of(), catalog.exportRemovals().among(java.util.List.of()));
    }

    @Test
    void mountsAreRecordedAttachedAndEndedOnce() {
        MountRecord one = new MountRecord("m-1", "p-1", "vdb", "u-web", "local", null, "/run/coffer/mounts/m-1/nbd.sock",
                T0, T0.plus(Duration.ofDays(1)), null, null, null);
        MountRecord two = new MountRecord("m-2", "p-1", "vda", "u-db", "local", null, "/run/coffer/mounts/m-2/nbd.sock",
                T0.plusSeconds(5), T0.plus(Duration.ofHours(1)), null, null, null);
        catalog.mounts().create(one);
        catalog.mounts().create(two);
        catalog.mounts().attached("m-1", "vdc");
        assertEquals("vdc", catalog.mounts().find("m-1").orElseThrow().target());
        assertEquals(List.of("m-1", "m-2"), catalog.mounts().active().stream().map(MountRecord::id).toList());
        assertTrue(catalog.mounts().ended("m-1", T0.plusSeconds(60), MountRecord.EndReason.UNMOUNTED, "cancelled on request"));
        assertFalse(catalog.mounts().ended("m-1", T0.plusSeconds(90), MountRecord.EndReason.STALE, "later"), "ended once");
        MountRecord ended = catalog.mounts().find("m-1").orElseThrow();
        assertEquals(new MountRecord("m-1", "p-1", "vdb", "u-web", "local", "vdc", one.socket(), T0, one.expiresAt(),
                T0.plusSeconds(60), MountRecord.EndReason.UNMOUNTED, "cancelled on request"), ended);
        assertEquals(List.of("m-2"), catalog.mounts().active().stream().map(MountRecord::id).toList());
        assertEquals(List.of("m-2", "m-1"), catalog.mounts().recent(10).stream().map(MountRecord::id).toList());
        assertEquals(List.of("m-2"), catalog.mounts().recent(1).stream().map(MountRecord::id).toList());
    }
}
