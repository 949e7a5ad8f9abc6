package coffer.engine.group;

import coffer.engine.JobProgress;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.AppConsistency;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.InstanceFixture;
import coffer.engine.instance.PointFacts;
import coffer.engine.instance.InstanceRestore;
import coffer.engine.instance.StagedBackup;
import coffer.engine.instance.TestDomain;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.virt.image.ImageFormat;
import coffer.virt.libvirt.DomainState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash-mode consistency groups on real no-OS libvirt domains: one point per member at one instant, the
 * pause window recorded and short, every domain running again on every path, all or nothing.
 */
class GroupBackupIT {
    private static final int CHUNK = 256 * 1024;
    @TempDir Path dir;
    @RegisterExtension final InstanceFixture fx = new InstanceFixture(() -> dir, CHUNK);
    /** The members made by {@link #members}, in order (the fixture removes them). */
    final List<TestDomain> domains = new ArrayList<>();

    private List<String> members(int count) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TestDomain domain = fx.domain(Map.of("vda", "qcow2"), 16);
            domains.add(domain);
            names.add(domain.name);
        }
        return names;
    }

    private GroupBackup group() {
        return new GroupBackup(fx.libvirt(), new InstanceBackup(fx.libvirt(), fx.vault(), fx.runtime()));
    }

    private GroupBackup.Request crash(List<String> names) {
        return new GroupBackup.Request("db-and-app", names, AppConsistency.off(), 2, GroupBackup.DEFAULT_MAX_PAUSED,
                PointFacts.NONE);
    }

    private void assertAllRunningAndNoPoints() throws Exception {
        for (TestDomain domain : domains) {
            assertEquals(DomainState.RUNNING, fx.libvirt().state(domain.name), domain.name + " left paused");
            assertTrue(fx.libvirt().checkpoints(domain.name).isEmpty(), "checkpoint left on " + domain.name);
        }
        assertEquals(List.of(), fx.vault().points(), "no member point kept");
        try (var leftovers = Files.list(fx.runtime())) {
            assertEquals(List.of(), leftovers.toList(), "runtime directories left");
        }
    }

    @Test
    void crashModeGroupGivesEveryMemberAPointOfOneInstantThatRestoresExactly() throws Exception {
        List<String> names = members(3);
        for (int i = 0; i < domains.size(); i++) {
            domains.get(i).write("vda", (2L + i) << 20, 300_000, 0xa0 + i);
        }
        Map<String, String> expected = new HashMap<>();
        for (TestDomain domain : domains) {
            expected.put(domain.name, domain.sha("vda"));
        }

        GroupBackup.Result result = group().run(crash(names), JobProgress.NONE);

        System.out.println("group pause window: " + result.pauseWindow().toMillis() + " ms for " + names.size() + " domains");
        assertTrue(result.pauseWindow().compareTo(Duration.ofSeconds(5)) < 0, "pause window " + result.pauseWindow());
        assertEquals(names.size(), result.members().size());
        for (InstanceBackup.Result member : result.members()) {
            PointFacts.Group group = PointFacts.of(member.point()).group();
            assertEquals(result.id(), group.id());
            assertEquals("db-and-app", group.name());
            assertEquals(names, group.members());
            assertEquals(result.pauseWindow().toMillis(), group.pauseMillis());
            assertEquals("CRASH", member.point().consistency());
        }
        for (TestDomain domain : domains) {
            assertEquals(DomainState.RUNNING, fx.libvirt().state(domain.name), domain.name + " left paused");
        }

        // written after the point: must not show in the restore
        domains.getFirst().write("vda", 1L << 20, 4096, 0xee);
        GroupPoint point = new GroupPoints(fx.vault()).resolve(result.id().substring(0, 8));
        assertEquals(names, point.members().stream().map(PointManifest::name).toList());
        assertEquals(1, new GroupPoints(fx.vault()).list("db-and-app").size());
        assertEquals(List.of(), new GroupPoints(fx.vault()).list("another-group"));

        GroupRestore.Result restored = new GroupRestore(fx.libvirt(), new GroupPoints(fx.vault()), new InstanceRestore(fx.libvirt(), fx.vault(), 2))
                .asNewInstances(result.id(), "-copy", dir, false, JobProgress.NONE);
        for (InstanceRestore.InstanceResult copy : restored.instances()) {
            domains.getFirst().adopt(copy.name());
        }
        assertEquals(names.stream().map(n -> n + "-copy").toList(),
                restored.instances().stream().map(InstanceRestore.InstanceResult::name).toList());
        for (InstanceRestore.InstanceResult copy : restored.instances()) {
            assertTrue(fx.libvirt().domain(copy.name()).isPresent(), copy.name() + " defined");
            String original = copy.name().substring(0, copy.name().length() - "-copy".length());
            assertEquals(expected.get(original), TestDomain.imageSha(copy.disks().get("vda"), dir), copy.name());
        }
    }

    @Test
    void aMemberWhoseBeginFailsFailsTheGroupAndEveryDomainRunsAgain() throws Exception {
        List<String> names = members(2);
        // another backup job holds the second member: its backup-begin is refused while the first was paused and begun
        Path otherRuntime = Files.createDirectories(dir.resolve("other-run"));
        Path otherVault = Files.createDirectories(dir.resolve("other-vault"));
        Vault other = Vault.create(new LocalDirectoryBackend(otherVault), CHUNK, new LocalKeyRing(dir.resolve("other.json")));
        try (StagedBackup holder = new InstanceBackup(fx.libvirt(), other, otherRuntime)
                .prepare(new InstanceBackup.Request(names.get(1), Set.of(), 1, PointFacts.NONE))) {
            holder.begin();
            CofferException failure = assertThrows(CofferException.class, () -> group().run(crash(names), JobProgress.NONE));
            assertEquals(ErrorCode.HypervisorFailure, failure.code(), failure.getMessage());
            for (TestDomain domain : domains) {
                assertEquals(DomainState.RUNNING, fx.libvirt().state(domain.name), domain.name + " left paused");
            }
            assertTrue(fx.libvirt().checkpoints(names.getFirst()).isEmpty(), "the begun member's checkpoint removed");
            assertEquals(List.of(), fx.vault().points(), "no member point kept");
        }
        assertAllRunningAndNoPoints();
        // and the group backs up once the other job is gone
        assertEquals(2, group().run(crash(names), JobProgress.NONE).members().size());
    }

    @Test
    void cancelWhileReadingKeepsNoPointAndEveryDomainRuns() throws Exception {
        List<String> names = members(2);
        Thread caller = Thread.currentThread();
        AtomicBoolean cancelled = new AtomicBoolean();
        JobProgress cancelOnFirstBytes = new JobProgress() {
            @Override
            public void starting(long totalBytes) {
            }

            @Override
            public void advance(long bytes) {
                if (cancelled.compareAndSet(false, true)) {
                    caller.interrupt();
                }
            }
        };
        CofferException failure;
        try {
            failure = assertThrows(CofferException.class, () -> group().run(crash(names), cancelOnFirstBytes));
        } finally {
            Thread.interrupted();
        }
        assertTrue(cancelled.get());
        assertEquals(ErrorCode.Cancelled, failure.code(), failure.getMessage());
        assertAllRunningAndNoPoints();
    }

    @Test
    void cancelBeforeTheInstantPausesNothing() throws Exception {
        List<String> names = members(2);
        JobProgress cancelAtStart = new JobProgress() {
            @Override
            public void starting(long totalBytes) {
                Thread.currentThread().interrupt();
            }

            @Override
            public void advance(long bytes) {
            }
        };
        CofferException failure;
        try {
            failure = assertThrows(CofferException.class, () -> group().run(crash(names), cancelAtStart));
        } finally {
            Thread.interrupted();
        }
        assertEquals(ErrorCode.Cancelled, failure.code(), failure.getMessage());
        assertAllRunningAndNoPoints();
    }

    @Test
    void pauseWatchdogResumesTheGroupAndFailsIt() throws Exception {
        List<String> names = members(2);
        GroupBackup.Request tooShort = new GroupBackup.Request("g", names, AppConsistency.off(), 2,
                Duration.ofMillis(1), PointFacts.NONE);
        CofferException failure = assertThrows(CofferException.class, () -> group().run(tooShort, JobProgress.NONE));
        assertEquals(ErrorCode.HypervisorFailure, failure.code());
        assertTrue(failure.getMessage().contains("watchdog"), failure.getMessage());
        assertAllRunningAndNoPoints();
    }

    @Test
    void unknownMemberFailsBeforeAnyDomainIsPaused() throws Exception {
        List<String> names = new ArrayList<>(members(1));
        names.add("coffer-it-no-such-domain");
        CofferException failure = assertThrows(CofferException.class, () -> group().run(crash(names), JobProgress.NONE));
        assertEquals(ErrorCode.InstanceNotFound, failure.code());
        assertTrue(failure.getMessage().contains("coffer-it-no-such-domain"), failure.getMessage());
        assertAllRunningAndNoPoints();
    }
}
