package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogRebuild;
import coffer.engine.catalog.Plan;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.PointRetention;
import coffer.engine.catalog.Protection;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.PointFacts;
import coffer.engine.job.Job;
import coffer.engine.job.RecordingJobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.policy.ArchiveRule;
import coffer.engine.policy.Interval;
import coffer.engine.policy.PointExpiry;
import coffer.engine.policy.RetentionFacts;
import coffer.engine.policy.Policy;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.Retention;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.policy.Schedule;
import coffer.engine.policy.Stagger;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.BackupResult;
import coffer.engine.json.CofferJson;
import coffer.engine.operation.PlanRun;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coffer.engine.error.Errors;
import coffer.vault.PointImmutableException;
import coffer.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The retention sweep and the point lifecycle on a real catalog and a real (local) vault, on a simulated
 * clock: expired points lose their manifest and their row, the newest point of a protected instance stays,
 * manual points follow their own expiry, immutable points are refused until they expire, extensions pin, and
 * a deleted plan's points keep expiring as shown.
 */
class RetentionSweepTest {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");

    @TempDir Path dir;
    WebInstanceVault web;
    TestDatabase database;
    Catalog catalog;
    Vault vault;
    MutableClock clock = new MutableClock(T0);
    RetentionSweep sweep;
    PointLifecycle lifecycle;
    PlanBinding binding;
    StoredPolicy hourly;
    StoredPolicy locked;
    Plan plan;

    VaultDirectory vaults;

    @BeforeEach
    void open() throws Exception {
        web = WebInstanceVault.open(TestDatabase.sqlite(dir), dir, clock);
        database = web.database;
        catalog = web.catalog;
        vault = web.vault;
        catalog.protections().protect(List.of(new Protection("u-web", true, List.of(), "default", T0)));
        vaults = new VaultDirectory() {
            @Override
            public Set<String> names() {
                return Set.of("default");
            }

            @Override
            public String defaultName() {
                return "default";
            }

            @Override
            public Vault open(String name) {
                return vault;
            }
        };
        sweep = new RetentionSweep(catalog, vaults, clock);
        lifecycle = new PointLifecycle(catalog, vaults, clock);
        binding = new PlanBinding(catalog, new PlanScheduler(catalog, clock, Stagger.DEFAULT), lifecycle);
        hourly = catalog.policies().create(policy("hourly", false));
        locked = catalog.policies().create(policy("locked", true));
        plan = catalog.plans().create("plan-1", "web-hourly", "u-web", hourly.id(), T0);
    }

    @AfterEach
    void close() throws Exception {
        if (web != null) {
            web.close();
        }
    }

    static Policy policy(String name, boolean immutable) {
        return new Policy(name, Schedule.of(T0, Interval.hours(1)), Retention.keepFor(RetentionPeriod.days(1)), immutable,
                ReplicationRule.OFF, ArchiveRule.OFF);
    }

    /** A small point in the vault and its row, as a plan's run makes it (PlanBackup marks it). */
    String policyPoint(Instant at, StoredPolicy policy) throws Exception {
        String id = manualPoint(at, null);
        catalog.pointRetentions().markPolicy(id, plan.id(), policy.id(), policy.policy().immutable());
        return id;
    }

    /** A small point in the vault and its row, as a manual backup makes it ({@code expires} null: never). */
    String manualPoint(Instant at, Instant expires) throws Exception {
        String id = pointWith(at, expires == null ? PointFacts.NONE : PointFacts.expiring(expires));
        catalog.points().upsert(PointRecord.of(vault.point(id), "default", "u-web", null));
        return id;
    }

    Set<String> rows() {
        return web.rows();
    }

    Set<String> manifests() throws Exception {
        return vault.points().stream().map(PointManifest::id).collect(Collectors.toSet());
    }

    PointRetention retention(String point) {
        return catalog.pointRetentions().find(point).orElseThrow();
    }

    /**
     * A point served over NBD (a mount, a file browser, an instant restore) holds a lease: a person's delete is
     * refused with PointInUse and the retention sweep leaves it for a later run; once served no more, both work.
     */
    @Test
    void aServedPointIsRefusedDeletionAndTheSweepDefersItUntilServingEnds() throws Exception {
        String served = manualPoint(T0, T0.plus(Duration.ofHours(1)));
        manualPoint(T0.plus(Duration.ofHours(2)), null);
        clock.set(T0.plus(Duration.ofDays(2)));
        try (coffer.engine.live.PointServer server = coffer.engine.live.PointServer.start(vault,
                new coffer.engine.live.PointServer.Request(served, List.of(), dir.resolve("nbd.sock"), null, 1 << 20),
                "mount of vda into web-2")) {
            CofferException refused = assertThrows(CofferException.class, () -> lifecycle.delete(served));
            assertEquals(ErrorCode.PointInUse, refused.code());
            assertTrue(refused.getMessage().contains("mount of vda into web-2"), refused.getMessage());
            RetentionSweep.Report deferred = sweep.sweep("u-web");
            assertEquals(List.of(), deferred.deleted());
            assertEquals(1, deferred.failures().size());
            assertTrue(deferred.failures().getFirst().contains("in use"), deferred.failures().toString());
            assertTrue(rows().contains(served) && manifests().contains(served), "row and manifest kept while served");
        }
        assertEquals(List.of(served), sweep.sweep("u-web").deleted(), "the next sweep deletes it");
    }

    @Test
    void expiredPolicyPointsLoseTheirManifestAndRowAndTheNewestStays() throws Exception {
        List<String> points = new java.util.ArrayList<>();
        for (int hour = 0; hour < 6; hour++) {
            points.add(policyPoint(T0.plus(Duration.ofHours(hour)), hourly));
        }
        clock.set(T0.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(150)));
        RetentionSweep.Report report = sweep.sweep("u-web");
        assertEquals(points.subList(0, 3), report.deleted());
        assertEquals(List.of(), report.failures());
        assertEquals(Set.copyOf(points.subList(3, 6)), rows());
        assertEquals(Set.copyOf(points.subList(3, 6)), manifests(), "the manifest goes with the row");
        assertEquals(T0.plus(Duration.ofHours(27)), retention(points.get(3)).expiresAt(), "the expiry shown is kept current");

        clock.set(T0.plus(Duration.ofDays(10)));
        assertEquals(points.subList(3, 5), sweep.sweepAll().deleted());
        assertEquals(Set.of(points.get(5)), rows(), "the newest point of a protected instance is never swept");
        assertEquals(List.of(), sweep.sweep("u-web").deleted(), "a second sweep finds nothing more");
    }

    @Test
    void aManifestAlreadyGoneFromTheVaultStillLosesItsRow() throws Exception {
        String old = policyPoint(T0, hourly);
        String newest = policyPoint(T0.plus(Duration.ofHours(1)), hourly);
        vault.deletePoint(old);
        clock.set(T0.plus(Duration.ofDays(2)));
        RetentionSweep.Report report = sweep.sweep("u-web");
        assertEquals(List.of(old), report.deleted());
        assertEquals(List.of(), report.failures());
        assertEquals(Set.of(newest), rows());
    }

    @Test
    void manualPointsFollowTheirOwnExpiryAndNeverExpireWithout() throws Exception {
        String dated = manualPoint(T0, T0.plus(Duration.ofDays(2)));
        String forever = manualPoint(T0.plus(Duration.ofMinutes(1)), null);
        String newest = policyPoint(T0.plus(Duration.ofHours(1)), hourly);
        clock.set(T0.plus(Duration.ofDays(2)).minusSeconds(1));
        assertEquals(List.of(), sweep.sweep("u-web").deleted(), "not before its own expiry");
        clock.set(T0.plus(Duration.ofDays(400)));
        assertEquals(List.of(dated), sweep.sweep("u-web").deleted());
        assertEquals(Set.of(forever, newest), rows());
    }

    @Test
    void anImmutablePointIsRefusedUntilItExpiresThenDeleted() throws Exception {
        String point = policyPoint(T0, locked);
        policyPoint(T0.plus(Duration.ofHours(1)), locked);
        clock.set(T0.plus(Duration.ofHours(2)));
        CofferException refused = assertThrows(CofferException.class, () -> lifecycle.delete(point));
        assertEquals(ErrorCode.BackupPointImmutable, refused.code());
        assertTrue(refused.getMessage().contains(point), refused.getMessage());

        assertEquals(new PointExpiry.At(T0.plus(Duration.ofDays(3))), lifecycle.extend(point, 2).point().expiry(),
                "extended by whole days past its current expiry");
        clock.set(T0.plus(Duration.ofDays(2)));
        assertEquals(ErrorCode.BackupPointImmutable, assertThrows(CofferException.class, () -> lifecycle.delete(point)).code());
        assertEquals(List.of(), sweep.sweep("u-web").deleted(), "the extension keeps it");
        clock.set(T0.plus(Duration.ofDays(3)).plusSeconds(1));
        lifecycle.delete(point);
        assertTrue(!rows().contains(point) && !manifests().contains(point), "deleted once expired");
    }

    @Test
    void aPlanRunHandsItsRecordUnchangedToTheBackupAndMarksThePointAsThePolicys() throws Exception {
        String made = manualPoint(T0, null);
        List<BackupInstance> handed = new ArrayList<>();
        JobHandler<BackupInstance, BackupResult> backup = (operation, job, context) -> {
            handed.add(operation);
            return new BackupResult(made, "web", "u-web", T0, null, "CRASH", null, null, 0, List.of(), List.of(), List.of());
        };
        BackupInstance run = new BackupInstance("u-web", "default", null, null, null, false, null,
                new PlanRun(plan.id(), locked.id(), T0.toString(), 0, null), null);
        Job job = new Job("j-1", JobType.backup, "u-web", "local", JobState.running, CofferJson.tree(run), T0, T0, null,
                null, 0, 0, 0, 0, false, null, null, null);
        new PlanBackup(backup, catalog, sweep, new coffer.engine.replication.ReplicationQueue(catalog, vaults,
                coffer.engine.replication.Regions.local(List.of("default"), List.of("local")), clock)).run(run, job,
                new RecordingJobContext());
        assertEquals(List.of(run), handed, "the record as the scheduler made it");
        PointRetention row = catalog.pointRetentions().find(made).orElseThrow();
        assertTrue(row.immutable() && locked.id().equals(row.policyId()), row.toString());
        assertEquals(T0.plus(Duration.ofDays(1)), vault.immutableUntil(vault.point(made)),
                "the vault holds the point until its policy's keep-for ends");
    }

    /**
     * The catalog's lock of an immutable point is held in the vault too, and follows extensions: an offline delete
     * through the vault (coffer point delete --vault) is refused as the server refuses it. The vault judges by the
     * system clock, so this test's simulated dates (in the past) show as recorded holds; "never expires" is refused.
     */
    @Test
    void anImmutablePointsLockIsHeldInTheVaultAndFollowsExtensions() throws Exception {
        String point = policyPoint(T0, locked);
        policyPoint(T0.plus(Duration.ofHours(1)), locked);
        String free = policyPoint(T0.plus(Duration.ofHours(2)), hourly);
        clock.set(T0.plus(Duration.ofHours(3)));
        sweep.holdInVault(point);
        sweep.holdInVault(free);
        assertEquals(T0.plus(Duration.ofDays(1)), vault.immutableUntil(vault.point(point)));
        assertEquals(null, vault.immutableUntil(vault.point(free)), "a point that is not immutable gets no hold");
        lifecycle.extend(point, 2);
        assertEquals(T0.plus(Duration.ofDays(3)), vault.immutableUntil(vault.point(point)), "the extension reaches the vault");
        lifecycle.neverExpire(point);
        assertEquals(Vault.FOREVER, vault.immutableUntil(vault.point(point)));
        PointImmutableException offline = assertThrows(PointImmutableException.class, () -> vault.deletePoint(point));
        assertTrue(offline.getMessage().contains(point), offline.getMessage());
        assertEquals(ErrorCode.BackupPointImmutable, Errors.classify(offline).code());
        assertTrue(manifests().contains(point));
    }

    @Test
    void aPlansImmutablePointStaysImmutableWhenTheCatalogIsRebuiltFromTheVault() throws Exception {
        String point = pointWith(T0, PointFacts.ofPlan(plan.id(), locked.id(), true));
        String manual = pointWith(T0.plus(Duration.ofHours(1)), PointFacts.NONE);
        new CatalogRebuild(catalog).rebuild("default", vault);
        PointRetention row = catalog.pointRetentions().find(point).orElseThrow();
        assertEquals(RetentionFacts.Origin.POLICY, row.origin());
        assertEquals(plan.id(), row.planId());
        assertTrue(row.immutable(), "immutability comes back from the manifest");
        assertEquals(RetentionFacts.Origin.MANUAL, catalog.pointRetentions().find(manual).orElseThrow().origin());
        clock.set(T0.plus(Duration.ofHours(2)));
        assertEquals(ErrorCode.BackupPointImmutable, assertThrows(CofferException.class, () -> lifecycle.delete(point)).code());
        clock.set(T0.plus(Duration.ofDays(1)).plusSeconds(1));
        lifecycle.delete(point);
        assertTrue(!rows().contains(point), "deletable once its policy's retention ended");
    }

    /** A point in the vault whose manifest carries {@code extra} besides the instance's facts; no catalog row. */
    String pointWith(Instant at, PointFacts extra) throws Exception {
        return web.point(at, extra);
    }

    @Test
    void aNeverExpiringImmutablePointIsNeverDeletedAndExtensionsAreBounded() throws Exception {
        String point = policyPoint(T0, locked);
        policyPoint(T0.plus(Duration.ofHours(1)), locked);
        CofferException tooLong = assertThrows(CofferException.class, () -> lifecycle.extend(point, 65_536));
        assertEquals(ErrorCode.InvalidArgument, tooLong.code());
        assertTrue(tooLong.getMessage().contains("65536"), tooLong.getMessage());
        assertEquals(ErrorCode.InvalidArgument, assertThrows(CofferException.class, () -> lifecycle.extend(point, 0)).code());
        assertEquals(new PointExpiry.Never(), lifecycle.neverExpire(point).point().expiry());
        assertEquals(ErrorCode.InvalidArgument, assertThrows(CofferException.class, () -> lifecycle.neverExpire(point)).code());
        clock.set(T0.plus(Duration.ofDays(10_000)));
        assertEquals(List.of(), sweep.sweep("u-web").deleted());
        assertEquals(ErrorCode.BackupPointImmutable, assertThrows(CofferException.class, () -> lifecycle.delete(point)).code());
        assertEquals(ErrorCode.PointNotFound, assertThrows(CofferException.class, () -> lifecycle.delete("nope")).code());
    }

    @Test
    void aDeletedPlansPointsArePinnedAndKeepExpiringAsShown() throws Exception {
        String old = policyPoint(T0, hourly);
        String newest = policyPoint(T0.plus(Duration.ofHours(1)), hourly);
        Instant now = T0.plus(Duration.ofHours(2));
        clock.set(now);
        assertEquals(2, binding.delete(plan));
        assertEquals(new PointExpiry.At(T0.plus(Duration.ofDays(1))), retention(old).expiry());
        assertEquals(new PointExpiry.At(now.plus(Duration.ofDays(1))), retention(newest).expiry(),
                "held only as the newest: pinned to the policy's keep-for from now, never expired at once");
        assertEquals(now.plus(Duration.ofDays(1)), retention(newest).expiresAt());

        clock.set(T0.plus(Duration.ofDays(1)).plusSeconds(1));
        assertEquals(List.of(old), sweep.sweep("u-web").deleted(), "without its plan a point expires as pinned");
        assertTrue(binding.stopProtection("u-web"));
        clock.set(now.plus(Duration.ofDays(1)).plusSeconds(1));
        assertEquals(List.of(newest), sweep.sweep("u-web").deleted(), "unprotected, even the last point expires");
        assertEquals(Set.of(), manifests());
    }

    @Test
    void stopProtectionDeletesThePlanAndPinsItsPoints() throws Exception {
        String point = policyPoint(T0, hourly);
        clock.set(T0.plus(Duration.ofHours(3)));
        assertTrue(binding.stopProtection("u-web"));
        assertTrue(catalog.plans().findByInstance("u-web").isEmpty());
        assertTrue(catalog.protections().find("u-web").isEmpty());
        assertEquals(new PointExpiry.At(T0.plus(Duration.ofHours(3)).plus(Duration.ofDays(1))), retention(point).expiry());
        assertEquals(Set.of(point), rows());
    }

    @Test
    void anUnacknowledgedChangeAlertHoldsTheOlderPointsUntilItIsAcknowledged() throws Exception {
        List<String> points = new java.util.ArrayList<>();
        for (int hour = 0; hour < 6; hour++) {
            points.add(policyPoint(T0.plus(Duration.ofHours(hour)), hourly));
        }
        // the run of hour 4 rewrote most of the disk: its alert holds hours 0-3
        catalog.changeAlerts().raise(new coffer.engine.catalog.ChangeAlert("a-1", "u-web", points.get(4),
                T0.plus(Duration.ofHours(4)), coffer.engine.catalog.ChangeAlert.Kind.CHANGE_RATE, 9e9, 1e8,
                T0.plus(Duration.ofHours(4)), null, null, null, null));
        clock.set(T0.plus(Duration.ofDays(10)));
        RetentionSweep.Report held = sweep.sweep("u-web");
        assertEquals(List.of(points.get(4)), held.deleted(), "the alerted point itself and later ones expire as usual");
        assertEquals(Set.of(points.get(0), points.get(1), points.get(2), points.get(3), points.get(5)), rows());
        assertEquals(T0.plus(Duration.ofDays(1)), retention(points.get(0)).expiresAt(),
                "held: the expiry shown stays the rules' (the alert is the reason it is still kept)");

        new coffer.engine.alert.ChangeWatch(catalog, coffer.engine.alert.ChangeRules.DEFAULTS, clock)
                .acknowledge("a-1", "ops", "the guest was re-encrypted on purpose");
        assertEquals(points.subList(0, 4), sweep.sweep("u-web").deleted(), "acknowledged: retention resumes");
        assertEquals(Set.of(points.get(5)), rows());
    }

    @Test
    void everyDeletionIsToldSoThatItsSpaceIsReclaimed() throws Exception {
        String old = policyPoint(T0, hourly);
        policyPoint(T0.plus(Duration.ofHours(1)), hourly);
        List<String> told = new java.util.ArrayList<>();
        RetentionSweep telling = new RetentionSweep(catalog, new coffer.engine.vault.OneVault("default", vault), clock, (v, at) -> told.add(v + "@" + at));
        clock.set(T0.plus(Duration.ofDays(2)));
        assertEquals(List.of(old), telling.sweep("u-web").deleted());
        assertEquals(List.of("default@" + clock.instant()), told);
    }
}
