package coffer.engine.alert;

import coffer.engine.JobProgress;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceGroup;
import coffer.engine.catalog.InstanceRefresh;
import coffer.engine.drill.DrillBudget;
import coffer.engine.drill.DrillSettings;
import coffer.engine.instance.AppConsistency;
import coffer.engine.instance.RestoreDirectories;
import coffer.engine.job.Job;
import coffer.engine.job.JobEnd;
import coffer.engine.job.JobRunner;
import coffer.engine.job.JobState;
import coffer.engine.job.handler.JobHandlers;
import coffer.engine.operation.BackupGroup;
import coffer.engine.vault.LocalVaults;
import coffer.engine.verify.VerifySettings;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.InstanceFixture;
import coffer.engine.instance.PointFacts;
import coffer.engine.instance.TestDomain;
import coffer.engine.plan.RetentionSweep;
import coffer.engine.vault.OneVault;
import coffer.testing.MutableClock;
import coffer.testing.TestGuest;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Change alerts end to end on a real running no-OS domain (guest writes made from the host with qemu-io) and on the
 * real test guest (writes by its own programs): incremental backups of ordinary writes raise nothing; a run after most
 * of a disk was rewritten with random data raises CHANGE_RATE and ENTROPY on its point; retention then keeps the older
 * points until the alert is acknowledged. The same through a consistency group's backup job, as a server runs it: the
 * alert is raised on the member whose disk was rewritten (its point and the group job), and retention holds that
 * member's history only.
 */
class ChangeAlertIT {
    private static final int MIB = 1 << 20;
    private static final int CHUNK = 256 * 1024;
    /** The defaults scaled to a 64 MiB disk: 4× the median and at least 8 MiB; 0.9 incompressible against ≤ 0.7. */
    private static final ChangeRules RULES = new ChangeRules(14, 3, 4.0, 8L * MIB, 0.9, 0.7, 64 * 1024);

    @TempDir Path dir;
    @RegisterExtension final InstanceFixture fx = new InstanceFixture(() -> dir, CHUNK);
    TestDatabase database;
    Catalog catalog;
    TestDomain domain;
    final MutableClock clock = new MutableClock(Instant.now());

    @BeforeEach
    void setUp() throws Exception {
        database = TestDatabase.sqlite(dir);
        catalog = Catalog.open(database.config());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (catalog != null) {
            catalog.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aRewriteWithRandomDataRaisesAnAlertAndRetentionHoldsUntilItIsAcknowledged() throws Exception {
        domain = fx.domain(Map.of("vda", "qcow2"), 64);
        String uuid = TestDomain.virsh("domuuid", domain.name).trim();
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.instances().refresh("local", List.of(new Instance(uuid, "local", domain.name, "running", List.of(),
                Instant.now(), false)));
        ChangeWatch watch = new ChangeWatch(catalog, RULES, clock);
        List<String> points = new ArrayList<>();

        ChangeWatch.Outcome first = backup(watch, points);
        assertTrue(first.sample().isEmpty(), "the first point is a full read: no sample");
        for (int run = 1; run <= 3; run++) { // ordinary days: a few MiB of (compressible) writes
            domain.write("vda", (long) run * 4 * MIB, 2L * MIB + run * 64 * 1024, 0x10 + run);
            ChangeWatch.Outcome ordinary = backup(watch, points);
            assertEquals(List.of(), ordinary.raised(), "run " + run);
            long dirty = ordinary.sample().orElseThrow().changedBytes();
            assertTrue(dirty >= 2L * MIB && dirty <= 3L * MIB, "the dirty bitmap covered what was written: " + dirty);
        }

        domain.writeRandom("vda", 8L * MIB, 48 * MIB, 20); // most of the disk, as ransomware encrypting it would
        ChangeWatch.Outcome rewrite = backup(watch, points);
        assertEquals(List.of(ChangeAlert.Kind.CHANGE_RATE, ChangeAlert.Kind.ENTROPY),
                rewrite.raised().stream().map(ChangeAlert::kind).toList());
        ChangeAlert rate = rewrite.raised().getFirst();
        assertEquals(points.getLast(), rate.pointId());
        assertTrue(rate.measured() >= 48.0 * MIB, "measured " + rate.measured());
        assertTrue(rate.baseline() < 3.0 * MIB, "baseline " + rate.baseline());
        assertTrue(rewrite.raised().get(1).measured() > 0.95, "random data did not compress: " + rewrite.raised().get(1));

        // every point expires after a minute; two days later only the alert keeps the older ones
        clock.advance(Duration.ofDays(2));
        RetentionSweep sweep = new RetentionSweep(catalog, new OneVault(fx.vault()), clock);
        assertEquals(List.of(points.getLast()), sweep.sweep(uuid).deleted(), "the alerted point itself is not held");
        assertEquals(Set.copyOf(points.subList(0, 4)), rows(uuid), "the clean history is held");
        for (ChangeAlert alert : watch.standing(uuid)) {
            watch.acknowledge(alert.id(), "operator", "test");
        }
        assertEquals(points.subList(0, 4), sweep.sweep(uuid).deleted(), "acknowledged: retention resumes");
        assertEquals(List.of(), fx.vault().points());
    }

    @Test
    void aRealGuestThatFillsItsDataDiskWithRandomDataRaisesBothAlerts() throws Exception {
        TestGuest.requireGuestSupport();
        try (TestGuest guest = TestGuest.start(dir)) {
            String uuid = TestDomain.virsh("domuuid", guest.name()).trim();
            catalog.hosts().ensure("local", "qemu:///system");
            catalog.instances().refresh("local", List.of(new Instance(uuid, "local", guest.name(), "running", List.of(),
                    Instant.now(), false)));
            ChangeWatch watch = new ChangeWatch(catalog, RULES, clock);
            List<String> points = new ArrayList<>();
            backup(watch, points, guest.name());
            for (int run = 1; run <= 3; run++) { // ordinary days: a log grows by some text
                guest.shell("for i in $(seq 1 2000); do echo \"day " + run + " line $i: all is well\"; done >> /data/app.log;"
                        + " sync");
                assertEquals(List.of(), backup(watch, points, guest.name()).raised(), "run " + run);
            }
            guest.shell("dd if=/dev/urandom of=/data/encrypted bs=1M count=20 2>/dev/null; sync");
            ChangeWatch.Outcome rewrite = backup(watch, points, guest.name());
            assertEquals(List.of(ChangeAlert.Kind.CHANGE_RATE, ChangeAlert.Kind.ENTROPY),
                    rewrite.raised().stream().map(ChangeAlert::kind).toList(), String.valueOf(rewrite));
            System.out.printf("[change] baseline %.0f bytes, measured %.0f; entropy %.3f against %.3f%n",
                    rewrite.raised().get(0).baseline(), rewrite.raised().get(0).measured(),
                    rewrite.raised().get(1).measured(), rewrite.raised().get(1).baseline());
        }
    }

    @Test
    void aGroupBackupJobRaisesTheAlertOnTheRewrittenMemberAndRetentionHoldsThatMembersHistory() throws Exception {
        domain = fx.domain(Map.of("vda", "qcow2"), 64);
        try (TestDomain quiet = TestDomain.create(Files.createDirectories(dir.resolve("quiet")), Map.of("vda", "qcow2"), 8);
             LocalVaults vaults = new LocalVaults(Map.of("default", new LocalVaults.Location(
                     Files.createDirectories(dir.resolve("group-vault")), dir.resolve("group-keyring.json"))), "default")) {
            Vault.create(new LocalDirectoryBackend(dir.resolve("group-vault")), CHUNK,
                    new LocalKeyRing(dir.resolve("group-keyring.json"))).close();
            catalog.hosts().ensure("local", "qemu:///system");
            List<Instance> known = new InstanceRefresh(catalog, java.time.Clock.systemUTC()).refresh("local");
            String loud = known.stream().filter(i -> i.name().equals(domain.name)).findFirst().orElseThrow().id();
            String calm = known.stream().filter(i -> i.name().equals(quiet.name)).findFirst().orElseThrow().id();
            InstanceGroup group = catalog.groups().create("pair-" + domain.name.substring(10), "local", List.of(loud, calm));
            try (JobRunner runner = new JobRunner(catalog, JobRunner.newWorkerId(), JobHandlers.handlers(catalog, vaults,
                    Files.createDirectories(dir.resolve("run")), RestoreDirectories.under(List.of(dir.resolve("restores"))),
                    new JobHandlers.Assurance(VerifySettings.DEFAULTS, DrillSettings.defaults(dir.resolve("drills")),
                            new DrillBudget(1), RULES)),
                    JobRunner.Settings.defaults().withHeartbeat(Duration.ofMillis(500), Duration.ofSeconds(5)))) {
                runner.start();
                groupBackup(group);
                for (int run = 1; run <= 3; run++) { // ordinary days on both members
                    domain.write("vda", (long) run * 4 * MIB, 2L * MIB + run * 64 * 1024, 0x20 + run);
                    quiet.write("vda", MIB, 256 * 1024, 0x30 + run);
                    Job ordinary = groupBackup(group);
                    assertFalse(ordinary.result().toString().contains("change alert"), "run " + run + ": " + ordinary.result());
                }
                domain.writeRandom("vda", 8L * MIB, 48 * MIB, 21);
                Job rewrite = groupBackup(group);
                assertTrue(rewrite.result().path("warnings").toString().contains("change alert"), rewrite.result().toString());

                List<ChangeAlert> standing = catalog.changeAlerts().unacknowledged(loud);
                assertEquals(List.of(ChangeAlert.Kind.CHANGE_RATE, ChangeAlert.Kind.ENTROPY),
                        standing.stream().map(ChangeAlert::kind).toList());
                String alerted = catalog.groups().points(group.id()).stream()
                        .filter(g -> g.jobId().equals(rewrite.id())).findFirst().orElseThrow()
                        .pointIds().getFirst();
                for (ChangeAlert alert : standing) {
                    assertEquals(alerted, alert.pointId(), "on the rewritten member's point of the group point");
                    assertEquals(rewrite.id(), alert.jobId(), "and on the group job");
                }
                assertEquals(List.of(), catalog.changeAlerts().unacknowledged(calm), "the quiet member raised nothing");

                // every point expires after a day; two days later the alert holds the loud member's older points only
                Set<String> loudPoints = rows(loud);
                assertEquals(5, loudPoints.size());
                RetentionSweep sweep = new RetentionSweep(catalog, vaults, new MutableClock(Instant.now().plus(Duration.ofDays(2))));
                assertEquals(5, sweep.sweep(calm).deleted().size(), "nothing holds the quiet member's points");
                assertEquals(List.of(alerted), sweep.sweep(loud).deleted(), "the alerted point itself is not held");
                Set<String> held = new java.util.HashSet<>(loudPoints);
                held.remove(alerted);
                assertEquals(held, rows(loud), "the loud member's clean history is held");
                ChangeWatch watch = new ChangeWatch(catalog, RULES, clock);
                for (ChangeAlert alert : standing) {
                    watch.acknowledge(alert.id(), "operator", "test");
                }
                assertEquals(held, Set.copyOf(sweep.sweep(loud).deleted()), "acknowledged: retention resumes");
                assertEquals(Set.of(), rows(loud));
            }
        }
    }

    private Job groupBackup(InstanceGroup group) throws InterruptedException {
        Job job = JobEnd.await(catalog.jobs(), catalog.jobs().submit(new BackupGroup(group.id(), null, null, 1,
                AppConsistency.off()), "local"), Duration.ofMinutes(5));
        assertEquals(JobState.succeeded, job.state(), job.errorCode() + ": " + job.errorMessage());
        return job;
    }

    private ChangeWatch.Outcome backup(ChangeWatch watch, List<String> points) {
        return backup(watch, points, domain.name);
    }

    private ChangeWatch.Outcome backup(ChangeWatch watch, List<String> points, String instance) {
        Instant expires = clock.instant().plus(Duration.ofMinutes(1));
        InstanceBackup.Result result = new InstanceBackup(fx.libvirt(), fx.vault(), dir.resolve("run")).run(
                new InstanceBackup.Request(instance, Set.of(), 2, PointFacts.expiring(expires)),
                JobProgress.NONE);
        PointManifest point = result.point();
        String uuid = PointFacts.of(point).uuid();
        catalog.points().upsert(PointRecord.of(point, "main", uuid, null));
        points.add(point.id());
        return watch.observe(new ChangeWatch.Observation(uuid, point.id(), point.createdAt(), null, result.change()));
    }

    private Set<String> rows(String uuid) {
        return catalog.points().listByInstance(uuid).stream().map(PointRecord::id).collect(Collectors.toSet());
    }
}
