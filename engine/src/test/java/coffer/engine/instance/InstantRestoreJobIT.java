package coffer.engine.instance;

import coffer.engine.catalog.Catalog;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.operation.RestoreInstant;
import coffer.testing.TestGuest;
import coffer.virt.libvirt.Libvirt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Instant restore as a job through a real runner, catalog, vault and test guest: overlays outside the restore
 * directories are refused before anything is made; a cancelled instant restore leaves no instance and no overlay; a
 * completed one leaves a running instance on standalone local qcow2 files in the restore directory.
 */
class InstantRestoreJobIT {
    @TempDir Path dir;
    JobRunnerFixture fx;
    Catalog catalog;
    Libvirt libvirt;
    Path restores;
    TestGuest source;

    @BeforeEach
    void setUp() throws Exception {
        TestGuest.requireGuestSupport();
        fx = JobRunnerFixture.start(dir);
        catalog = fx.catalog;
        restores = fx.restores;
        libvirt = Libvirt.connect("qemu:///system");
        source = TestGuest.start(dir);
    }

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
        }
        if (source != null) {
            source.close();
        }
        if (libvirt != null) {
            libvirt.close();
        }
    }

    private Job awaitEnd(Job job) throws InterruptedException {
        return fx.awaitEnd(job, Duration.ofMinutes(5));
    }

    @Test
    void refusedOutsideTheRestoreDirectoriesCancelledLeavesNothingCompletedRunsFromLocalFiles() throws Exception {
        Job backup = fx.backUp(fx.instance(source.name()));
        String point = backup.result().get("point").asText();
        source.close(); // a copy of the guest writes the same console log file: only one of them can run
        source = null;

        // overlays outside the restore directories: refused before anything is made
        String refusedName = "coffer-it-instant-" + UUID.randomUUID().toString().substring(0, 8);
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Job refused = awaitEnd(catalog.jobs().submit(new RestoreInstant(point, refusedName, elsewhere.toString(), null), "local"));
        assertEquals("RestoreTargetNotAllowed", refused.errorCode(), refused.state() + ": " + refused.errorMessage());
        assertTrue(libvirt.domain(refusedName).isEmpty(), "no instance");
        assertEquals(List.of(), files(elsewhere), "no overlay");

        // cancelled while copying (slowly): no instance, no overlay
        String cancelledName = "coffer-it-instant-" + UUID.randomUUID().toString().substring(0, 8);
        Job slow = catalog.jobs().submit(new RestoreInstant(point, cancelledName, restores.toString(), 64L * 1024), "local");
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (libvirt.domain(cancelledName).isEmpty() || !libvirt.state(cancelledName).active()) {
            Job now = catalog.jobs().find(slow.id()).orElseThrow();
            assertTrue(System.nanoTime() < deadline && !now.state().isFinal(), "the instant restore started its instance: "
                    + now.state() + " " + now.errorCode() + " " + now.errorMessage());
            Thread.sleep(200);
        }
        catalog.jobs().cancel(slow.id());
        Job cancelled = awaitEnd(slow);
        assertEquals(JobState.cancelled, cancelled.state(), cancelled.errorMessage());
        assertTrue(libvirt.domain(cancelledName).isEmpty(), "no instance after cancel");
        assertEquals(List.of(), files(restores), "no overlay after cancel");

        // completed: the instance runs from standalone local files in the restore directory
        String name = "coffer-it-instant-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestGuest restored = TestGuest.existing(name, dir)) {
            Job done = awaitEnd(catalog.jobs().submit(new RestoreInstant(point, name, restores.toString(), null), "local"));
            assertEquals(JobState.succeeded, done.state(), done.errorCode() + ": " + done.errorMessage());
            assertTrue(libvirt.state(name).active(), "the instance runs");
            System.out.printf("InstantRestoreJobIT: instance started %d ms after the job began, on local files after %d ms%n",
                    done.result().get("startedMillis").asLong(), done.result().get("localMillis").asLong());
            assertFalse(libvirt.domainXml(name, false).contains("nbd"), "no disk reads the export any more");
            assertEquals(done.bytesTotal(), done.bytesDone());
            restored.awaitAgent(Duration.ofSeconds(180));
            libvirt.destroy(name);
            for (var disk : done.result().get("disks").properties()) {
                Path file = Path.of(disk.getValue().asText());
                assertEquals(restores, file.getParent());
                assertFalse(run("qemu-img", "info", file.toString()).contains("backing file"), file + " is standalone");
            }
        }
    }

    private static List<Path> files(Path directory) throws Exception {
        try (Stream<Path> list = Files.list(directory)) {
            return list.toList();
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
        return out;
    }
}
