package coffer.engine.drill;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogConfig;
import coffer.engine.instance.TestDomain;
import coffer.engine.job.handler.StaleDrillCopies;
import coffer.testing.EarlierBootOfThisMachine;
import coffer.testing.OtherMachine;
import coffer.virt.libvirt.Libvirt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A drill copy whose server was killed while it ran (a running domain marked as the copy of a process of this machine
 * that no longer runs) is removed with its directory at the next server's start; the copy of a live drill is kept
 * (docs/reliability.md, session 19). Before, it ran on until the next drill on its host.
 *
 * <p>The domains live in the machine's shared libvirt, where every cleaner of this host (another test class's, another
 * test run's) lists them. So the dead copy is one only this test's process takes for dead (session 24): it is marked as
 * of an earlier boot of this machine that only this process's boot history holds ({@link EarlierBootOfThisMachine}),
 * with this process's live pid and the current time; any other process judges it another machine's, recent, and leaves
 * it alone. Before, it was marked with a pid no process has, which every cleaner of this host took for dead and could
 * remove first. The judgement of a dead pid of this boot is {@link DrillCopyJudgedByBootTest}'s.
 */
class StaleDrillCopiesIT {
    @TempDir Path dir;
    Libvirt libvirt;
    Catalog catalog;
    Path drills;
    RunningCopies copies;

    @BeforeEach
    void setUp() throws Exception {
        TestDomain.requireLibvirt();
        libvirt = Libvirt.connect("qemu:///system");
        copies = new RunningCopies(libvirt, dir);
        catalog = Catalog.open(CatalogConfig.sqlite(dir.resolve("catalog.db")));
        catalog.hosts().ensure("local", "qemu:///system");
        drills = Files.createDirectories(dir.resolve("drills"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (copies != null) {
            copies.close();
        }
        if (catalog != null) {
            catalog.close();
        }
        if (libvirt != null) {
            libvirt.close();
        }
    }

    @Test
    void theRunningCopyOfADeadDrillIsRemovedWithItsDirectoryAndALiveDrillsCopyKept() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        DrillCopy dead;
        List<String> done;
        try (EarlierBootOfThisMachine earlier = new EarlierBootOfThisMachine(Files.createDirectories(dir.resolve("state")))) {
            dead = new DrillCopy(DrillCopy.PREFIX + "it-" + id, drills.resolve("it-" + id), "p",
                    ProcessHandle.current().pid(), DrillCopy.thisHost(), earlier.boot(), OtherMachine.thisMachine(),
                    Instant.now());
            DrillCopy live = DrillCopy.of("it-" + id + "-live", drills, "p");
            copies.run(dead);
            copies.run(live);
            assertTrue(dead.abandoned());
            assertTrue(libvirt.state(dead.name()).active());

            done = new StaleDrillCopies(catalog, drills).removeAll();
            assertLiveKept(done, live);
        }
        assertFalse(dead.abandoned(), "a process without this boot history (another cleaner) leaves it to its age");

        assertTrue(done.stream().anyMatch(d -> d.contains(dead.name()) && d.contains("removed")), done.toString());
        assertTrue(libvirt.domain(dead.name()).isEmpty(), "the dead drill's copy is undefined");
        assertFalse(Files.exists(dead.directory()), "its directory deleted");
    }

    private void assertLiveKept(List<String> done, DrillCopy live) throws Exception {
        assertTrue(libvirt.state(live.name()).active(), "a live drill's copy runs on");
        assertTrue(Files.exists(live.directory().resolve("disk.qcow2")));
        assertEquals(List.of(), done.stream().filter(d -> d.contains(live.name())).toList());
    }
}
