package coffer.engine.instance;

import coffer.testing.Await;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The instant of a backup while another libvirt client asks for the same domain's block info, as
 * {@link InstanceDiscovery} does for every disk of every running domain (a server's host refresh, {@code coffer
 * instance list}, in this or another process) while a job backs the domain up. QEMU 7.2 aborts
 * ({@code qcow2_get_specific_info: Assertion 'false' failed}) when such a query meets a qcow2 scratch image that
 * libvirt's {@code backup-begin} is still creating; Coffer makes the scratch images itself so that libvirt only
 * attaches them (docs/design/backup-flow.md, "QEMU 7.2 hazards").
 *
 * <p>A stress test, small in CI: {@code -Dcoffer.it.beginRaceIterations=N} sets the number of instants (default
 * 8); {@code scripts/stress-backup-begin} runs the same race through virsh. Without the fix (libvirt creating
 * the scratch images) this test crashed the four-disk domain within the first instants.
 */
class BackupBeginRaceIT {
    private static final int ITERATIONS = Integer.getInteger("coffer.it.beginRaceIterations", 8);
    private static final List<String> DISKS = List.of("vda", "vdb", "vdc", "vdd");

    @TempDir Path dir;
    @RegisterExtension final InstanceFixture fx = new InstanceFixture(() -> dir, 256 * 1024);
    TestDomain domain;

    @Test
    void blockInfoQueriedDuringBackupBeginNeverCrashesTheDomain() throws Exception {
        Map<String, String> formats = new LinkedHashMap<>();
        DISKS.forEach(d -> formats.put(d, "qcow2"));
        domain = fx.domain(formats, 8);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong queries = new AtomicLong();
        AtomicReference<String> querierEnd = new AtomicReference<>();
        Thread querier = Thread.ofPlatform().name("block-info-querier").start(() -> {
            try (Libvirt own = Libvirt.connect("qemu:///system")) {
                for (long i = 0; !stop.get(); i++) {
                    own.blockInfo(domain.name, DISKS.get((int) (i % DISKS.size())));
                    queries.incrementAndGet();
                }
            } catch (LibvirtException | RuntimeException e) {
                querierEnd.set(e.toString()); // the domain is gone: the loop below reports it
            }
        });
        InstanceBackup backup = new InstanceBackup(fx.libvirt(), fx.vault(), fx.runtime());
        int instants = 0;
        try {
            for (int i = 1; i <= ITERATIONS; i++) {
                long before = queries.get();
                try (StagedBackup staged = backup.prepare(new InstanceBackup.Request(domain.name, Set.of(), 2, PointFacts.NONE))) {
                    staged.begin();
                    instants++;
                } catch (RuntimeException | java.io.IOException e) {
                    // a crash during begin surfaces as "domain is not running": reported below with the state
                    if (fx.libvirt().state(domain.name).active()) {
                        throw e;
                    }
                }
                assertTrue(fx.libvirt().state(domain.name).active(), "QEMU of " + domain.name + " died at instant " + i
                        + " of " + ITERATIONS + " (see /var/log/libvirt/qemu/" + domain.name + ".log); querier: "
                        + querierEnd.get());
                awaitQueriesAfter(queries, before, querierEnd);
            }
        } finally {
            stop.set(true);
            querier.join();
        }
        System.out.printf("BackupBeginRaceIT: %d instants, %d block-info queries meanwhile, domain still running%n",
                instants, queries.get());
        assertEquals(ITERATIONS, instants);
        assertEquals(List.of(), fx.libvirt().checkpoints(domain.name), "every checkpoint of an aborted instant removed");
        try (var left = Files.list(fx.runtime())) {
            assertEquals(List.of(), left.toList(), "scratch files and sockets removed");
        }
    }

    /** The querier really runs alongside the instants (a stalled querier would make the test pass vacuously). */
    private static void awaitQueriesAfter(AtomicLong queries, long before, AtomicReference<String> querierEnd)
            throws InterruptedException {
        Await.until(() -> queries.get() > before || querierEnd.get() != null, Duration.ofMinutes(1),
                () -> "a block-info query during the instant");
        assertTrue(queries.get() > before, "no block-info query ran during the instant; querier: " + querierEnd.get());
    }
}
