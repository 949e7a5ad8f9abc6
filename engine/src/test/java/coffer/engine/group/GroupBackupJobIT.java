package coffer.engine.group;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogConfig;
import coffer.engine.catalog.GroupPointRecord;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.InstanceGroup;
import coffer.engine.catalog.InstanceRefresh;
import coffer.engine.instance.TestDomain;
import coffer.engine.instance.AppConsistency;
import coffer.engine.instance.PointFacts;
import coffer.engine.job.Job;
import coffer.engine.operation.BackupGroup;
import coffer.engine.job.JobEnd;
import coffer.engine.job.JobRunner;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.handler.JobHandlers;
import coffer.engine.vault.LocalVaults;
import coffer.testing.TestGuest;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application-mode group backup as a server runs it (catalog group, group_backup job, job runner) on the
 * real test guest (scripts in place) and a no-OS domain: the guest's point is APPLICATION (or FILESYSTEM with
 * its reason), the no-OS member's CRASH with "no guest agent"; both points carry the group point's id, the
 * catalog links them; the freeze and pause windows are recorded and short; nothing is left frozen or paused.
 */
class GroupBackupJobIT {
    private static final String SCRIPT_LOG = "/data/group-scripts.log";
    private static final Duration SHORT = Duration.ofSeconds(5);
    @TempDir Path dir;
    TestGuest guest;
    TestDomain bare;
    LocalVaults vaults;
    Catalog catalog;
    JobRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        TestGuest.requireGuestSupport();
        Path vaultDir = Files.createDirectories(dir.resolve("vault"));
        Path keyRing = dir.resolve("keyring.json");
        Vault.create(new LocalDirectoryBackend(vaultDir), 256 * 1024, new LocalKeyRing(keyRing)).close();
        vaults = new LocalVaults(Map.of("default", new LocalVaults.Location(vaultDir, keyRing)), "default");
        catalog = Catalog.open(CatalogConfig.sqlite(dir.resolve("catalog.db")));
        catalog.hosts().ensure("local", "qemu:///system");
        runner = new JobRunner(catalog, JobRunner.newWorkerId(), JobHandlers.handlers(catalog, vaults,
                Files.createDirectories(dir.resolve("run")),
                coffer.engine.instance.RestoreDirectories.under(java.util.List.of(dir.resolve("restores")))),
                JobRunner.Settings.defaults().withHeartbeat(Duration.ofMillis(500), Duration.ofSeconds(5)));
        runner.start();
        guest = TestGuest.start(dir);
        bare = TestDomain.create(dir, Map.of("vda", "qcow2"), 8);
    }

    @AfterEach
    void tearDown() {
        for (AutoCloseable c : new AutoCloseable[]{runner, catalog, vaults, guest, bare}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the next ones must still close
            }
        }
    }

    private Job awaitEnd(Job job) throws InterruptedException {
        return JobEnd.await(catalog.jobs(), job, Duration.ofMinutes(5));
    }

    @Test
    void anApplicationModeGroupJobQuiescesTheGuestFallsBackForTheBareDomainAndLinksBothPoints() throws Exception {
        guest.writeFile("/tmp/prescript.sh", ("#!/bin/sh\necho pre >> " + SCRIPT_LOG + "\nsync\n").getBytes(StandardCharsets.UTF_8));
        guest.writeFile("/tmp/postscript.sh", ("#!/bin/sh\necho post >> " + SCRIPT_LOG + "\n").getBytes(StandardCharsets.UTF_8));
        guest.shell("chown 0:0 /tmp/prescript.sh /tmp/postscript.sh && chmod 0700 /tmp/prescript.sh /tmp/postscript.sh");
        List<Instance> instances = new InstanceRefresh(catalog, Clock.systemUTC()).refresh("local");
        String guestId = instances.stream().filter(i -> i.name().equals(guest.name())).findFirst().orElseThrow().id();
        String bareId = instances.stream().filter(i -> i.name().equals(bare.name)).findFirst().orElseThrow().id();
        InstanceGroup group = catalog.groups().create("app-and-bare", "local", List.of(guestId, bareId));

        Job job = awaitEnd(catalog.jobs().submit(new BackupGroup(group.id(), null, null, 1, AppConsistency.on()), "local"));
        assertEquals(JobState.succeeded, job.state(), job.errorCode() + ": " + job.errorMessage());
        JsonNode result = job.result();
        System.out.println("group backup job result: " + result);

        JsonNode guestMember = result.path("members").get(0);
        JsonNode bareMember = result.path("members").get(1);
        String level = guestMember.path("consistency").asText();
        assertTrue(level.equals("APPLICATION") || level.equals("FILESYSTEM") && guestMember.hasNonNull("consistencyReason"),
                guestMember.toString());
        assertEquals("CRASH", bareMember.path("consistency").asText(), bareMember.toString());
        assertTrue(bareMember.path("consistencyReason").asText().startsWith("no guest agent"), bareMember.toString());

        long freeze = result.path("freezeMillis").asLong(-1);
        long pause = result.path("pauseMillis").asLong(-1);
        assertTrue(freeze >= 0 && freeze < SHORT.toMillis(), "freeze window " + freeze + " ms");
        assertTrue(pause >= 0 && pause < SHORT.toMillis(), "pause window " + pause + " ms");

        List<GroupPointRecord> groupPoints = catalog.groups().points(group.id());
        assertEquals(1, groupPoints.size());
        GroupPointRecord point = groupPoints.getFirst();
        assertEquals(result.path("groupPoint").asText(), point.id());
        assertEquals("application", point.mode());
        assertEquals(List.of(guestId, bareId), point.instanceIds());
        assertNotNull(point.freezeMillis());
        Vault vault = vaults.open("default");
        for (String pointId : point.pointIds()) {
            assertTrue(catalog.points().find(pointId).isPresent(), "catalog row of " + pointId);
            PointManifest manifest = vault.points().stream().filter(p -> p.id().equals(pointId)).findFirst().orElseThrow();
            assertEquals(point.id(), PointFacts.of(manifest).group().id(), manifest.toString());
            assertEquals(point.instant(), PointFacts.of(manifest).group().instant()
                    .truncatedTo(ChronoUnit.MILLIS), "the catalog keeps the common instant to the millisecond");
        }

        assertEquals("thawed", guest.freezeStatus());
        assertEquals("running", TestDomain.virsh("domstate", guest.name()).trim());
        assertEquals("running", TestDomain.virsh("domstate", bare.name).trim());
        if (level.equals("APPLICATION")) {
            assertEquals(List.of("pre", "post"), List.of(guest.shell("cat " + SCRIPT_LOG).trim().split("\\s+")));
        }
    }
}
