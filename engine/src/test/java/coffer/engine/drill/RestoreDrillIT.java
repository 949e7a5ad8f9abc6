package coffer.engine.drill;

import coffer.engine.JobProgress;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.DrillRun;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.InstanceFixture;
import coffer.engine.vault.OneVault;
import coffer.testing.TestData;
import coffer.testing.TestGuest;
import coffer.vault.PointManifest;
import coffer.vault.format.FixedIndex;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restore drills with the real test guest (scripts/make-test-guest, TCG): a passing drill, a failing check command, a
 * point whose disk is damaged in the vault, a drill cancelled while its copy boots, and the budget. The original is
 * backed up shut off and never started, so the class boots only the drills' copies; after each drill no copy, disk or
 * directory is left and the original is as it was.
 */
class RestoreDrillIT {
    private static final String URI = "qemu:///system";

    @TempDir static Path dir;
    @RegisterExtension static final InstanceFixture fx = new InstanceFixture(() -> dir, 1 << 20);
    static TestGuest original;
    static String originalXml;
    static TestDatabase database;
    static Catalog catalog;
    static PointManifest point;
    static String uuid;

    @BeforeAll
    static void setUp() throws Exception {
        TestGuest.requireGuestSupport();
        original = TestGuest.define(dir, true);
        point = new InstanceBackup(fx.libvirt(), fx.vault(), fx.runtime())
                .run(new InstanceBackup.Request(original.name(), Set.of(), 2, coffer.engine.instance.PointFacts.NONE), JobProgress.NONE).point();
        uuid = fx.libvirt().domain(original.name()).orElseThrow().uuid();
        originalXml = fx.libvirt().domainXml(original.name(), true);
        database = TestDatabase.sqlite(dir);
        catalog = Catalog.open(database.config());
        catalog.hosts().ensure("local", URI);
        catalog.instances().refresh("local", List.of(new Instance(uuid, "local", original.name(), "shutoff", List.of(),
                point.createdAt(), false)));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (original != null) {
            original.close();
        }
        if (catalog != null) {
            catalog.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @AfterEach
    void nothingIsLeftAndTheOriginalIsAsItWas() throws Exception {
        assertEquals(List.of(), fx.libvirt().domains().stream().map(d -> d.name())
                .filter(n -> n.startsWith(DrillCopy.PREFIX)).filter(this::mine).toList(), "no drill copy is left");
        try (Stream<Path> left = Files.exists(drills()) ? Files.list(drills()) : Stream.empty()) {
            assertEquals(List.of(), left.toList(), "no drill directory is left");
        }
        assertEquals(originalXml, fx.libvirt().domainXml(original.name(), true), "the original's definition is unchanged");
        assertFalse(fx.libvirt().state(original.name()).active(), "the original was never started");
    }

    /** Copies of this test's drills (other processes may run drills of their own on this host). */
    private boolean mine(String name) {
        try {
            return fx.libvirt().domainXml(name, true).contains("dir=" + drills());
        } catch (IOException gone) {
            return false;
        }
    }

    private static Path drills() {
        return dir.resolve("drills");
    }

    private static RestoreDrill drill(DrillBudget budget, Duration budgetWait) {
        DrillSettings settings = new DrillSettings(drills(), 1, budgetWait, Duration.ofMinutes(3), Duration.ofMinutes(1), 4000);
        return new RestoreDrill(fx.libvirt(), new OneVault(fx.vault()), catalog, budget, settings, Clock.systemUTC());
    }

    private static RestoreDrill drill() {
        return drill(new DrillBudget(1), Duration.ofMinutes(1));
    }

    @Test
    void aDrillRestoresBootsAndChecksAnIsolatedCopyAndRemovesIt() {
        DrillRun run = drill().run(new RestoreDrill.Request(uuid, null,
                List.of("/bin/sh", "-c", "echo drill-ok; ls /sys/class/net; test -d /data"), "job-1"), JobProgress.NONE);
        assertTrue(run.passed(), run.reason());
        assertEquals(point.id(), run.pointId());
        assertEquals(uuid, run.instanceId());
        assertEquals("main", run.vault());
        assertEquals(0, run.checkExit());
        assertTrue(run.checkOutput().startsWith("drill-ok\n"), run.checkOutput());
        assertEquals("lo", run.checkOutput().lines().skip(1).filter(l -> !l.isBlank()).reduce((a, b) -> a + " " + b)
                .orElse(""), "the copy has no network interface but loopback");
        assertTrue(run.restore().compareTo(Duration.ZERO) > 0 && run.bootToAgent().compareTo(Duration.ZERO) > 0
                && run.check().compareTo(Duration.ZERO) > 0, run.toString());
        System.out.printf("[drill] restore %d ms, boot to agent %d ms, check %d ms%n", run.restore().toMillis(),
                run.bootToAgent().toMillis(), run.check().toMillis());
        assertEquals(run, catalog.drillRuns().lastPassed(point.id()).orElseThrow(), "proven bootable at " + run.finishedAt());
    }

    @Test
    void aFailingCheckCommandFailsTheDrillWithItsExitStatusAndOutput() {
        DrillRun run = drill().run(new RestoreDrill.Request(uuid, null,
                List.of("/bin/sh", "-c", "echo checking; echo no database >&2; exit 3"), null), JobProgress.NONE);
        assertFalse(run.passed());
        assertEquals(DrillRun.Phase.CHECK, run.failedPhase());
        assertEquals(3, run.checkExit());
        assertTrue(run.reason().contains("exit code 3") && run.reason().contains("no database"), run.reason());
        assertTrue(run.checkOutput().contains("checking") && run.checkOutput().contains("no database"), run.checkOutput());
        assertNotNull(run.bootToAgent());
        assertTrue(catalog.drillRuns().ofInstance(uuid, 10).contains(run));
    }

    @Test
    void aPointWhoseDiskIsDamagedFailsItsDrillInTheRestoreNamingTheDamage() throws Exception {
        PointManifest.Disk root = point.disk("vda");
        FixedIndex index = fx.vault().readIndex(point, root);
        String chunk = null;
        for (int i = 0; i < index.chunkCount() && chunk == null; i++) {
            if (!index.get(i).isZero()) {
                chunk = index.get(i).objectName();
            }
        }
        ByteBuffer stored = fx.vault().backend().get(chunk);
        byte[] original = new byte[stored.remaining()];
        stored.get(original);
        fx.vault().backend().put(chunk, ByteBuffer.wrap(TestData.flipBit(original, 8L * (original.length / 2))));
        try {
            DrillRun run = drill().run(new RestoreDrill.Request(uuid, null, List.of(), null), JobProgress.NONE);
            assertFalse(run.passed());
            assertEquals(DrillRun.Phase.RESTORE, run.failedPhase());
            assertTrue(run.reason().startsWith("DataCorrupt: ") && run.reason().contains(chunk), run.reason());
            assertNull(run.bootToAgent(), "never booted");
            assertNotNull(run.restore());
        } finally {
            fx.vault().backend().put(chunk, ByteBuffer.wrap(original));
        }
    }

    @Test
    void aDrillCancelledWhileItsCopyBootsRemovesTheCopyAndRecordsNothing() throws Exception {
        int before = catalog.drillRuns().ofInstance(uuid, 100).size();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                drill().run(new RestoreDrill.Request(uuid, null, List.of("/bin/true"), null), JobProgress.NONE);
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline && !runningCopy()) {
            Thread.sleep(50);
        }
        assertTrue(runningCopy(), "the copy started");
        runner.interrupt();
        runner.join(Duration.ofMinutes(1));
        assertFalse(runner.isAlive());
        assertEquals(ErrorCode.Cancelled, ((CofferException) outcome.get()).code(), String.valueOf(outcome.get()));
        assertEquals(before, catalog.drillRuns().ofInstance(uuid, 100).size(), "a cancelled drill is not recorded");
    }

    private boolean runningCopy() throws IOException {
        for (var domain : fx.libvirt().domains()) {
            if (domain.name().startsWith(DrillCopy.PREFIX) && domain.state().active() && mine(domain.name())) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aDrillWaitsForTheHostsBudgetAndGivesUpWithDrillBusy() throws Exception {
        DrillBudget budget = new DrillBudget(1);
        try (DrillBudget.Slot taken = budget.acquire(URI, Duration.ZERO)) {
            CofferException busy = assertThrows(CofferException.class, () -> drill(budget, Duration.ofMillis(200))
                    .run(new RestoreDrill.Request(uuid, null, List.of(), null), JobProgress.NONE));
            assertEquals(ErrorCode.DrillBusy, busy.code());
            assertTrue(busy.getMessage().contains(URI), busy.getMessage());
            assertEquals(1, budget.running(URI));
        }
        assertEquals(0, budget.running(URI));
    }

    @Test
    void anInstanceWithoutPointsIsNamed() {
        CofferException none = assertThrows(CofferException.class, () -> drill()
                .run(new RestoreDrill.Request("00000000-0000-0000-0000-000000000000", null, List.of(), null), JobProgress.NONE));
        assertEquals(ErrorCode.PointNotFound, none.code());
    }

    @Test
    void theCopiesOfDeadDrillsAreRemovedAndThoseOfLiveOnesAndTheirOutsideDirectoriesLeftAlone() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path deadDir = Files.createDirectories(drills().resolve("dead0001"));
        Files.writeString(deadDir.resolve("vda.qcow2"), "disk");
        Path outside = Files.createDirectories(dir.resolve("elsewhere"));
        String host = DrillCopy.thisHost();
        define("coffer-drill-dead0001", "coffer-drill point=p owner=" + gone.pid() + "@" + host + " dir=" + deadDir);
        define("coffer-drill-dead0002", "coffer-drill point=p owner=" + gone.pid() + "@" + host + " dir=" + outside);
        define("coffer-drill-live0003", "coffer-drill point=p owner=" + ProcessHandle.current().pid() + "@" + host
                + " dir=" + drills().resolve("live0003"));
        try {
            List<String> warnings = new java.util.ArrayList<>();
            List<String> removed = DrillLeftovers.clean(fx.libvirt(), drills(), warnings);
            assertTrue(removed.containsAll(List.of("coffer-drill-dead0001", "coffer-drill-dead0002")), removed.toString());
            assertFalse(removed.contains("coffer-drill-live0003"));
            assertTrue(fx.libvirt().domain("coffer-drill-live0003").isPresent(), "a running drill's copy stays");
            assertFalse(Files.exists(deadDir), "the dead drill's directory is gone");
            assertTrue(Files.isDirectory(outside), "a directory outside the drills' one is never deleted");
            assertTrue(warnings.stream().anyMatch(w -> w.contains(outside.toString())), warnings.toString());
        } finally {
            for (String name : List.of("coffer-drill-dead0001", "coffer-drill-dead0002", "coffer-drill-live0003")) {
                if (fx.libvirt().domain(name).isPresent()) {
                    fx.libvirt().undefine(name);
                }
            }
        }
    }

    private static void define(String name, String description) throws IOException {
        fx.libvirt().define("""
                <domain type='qemu'>
                  <name>%s</name>
                  <description>%s</description>
                  <memory unit='MiB'>32</memory>
                  <os><type arch='x86_64'>hvm</type></os>
                </domain>
                """.formatted(name, description));
    }
}
