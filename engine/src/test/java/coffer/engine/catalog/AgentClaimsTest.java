package coffer.engine.catalog;

import coffer.engine.job.Job;
import coffer.engine.job.JobType;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.VerifyVault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The claims of agents and servers (docs/design/agents.md), on SQLite and PostgreSQL: on a host an agent serves, its
 * backups and restores are claimed by that agent only; a server's claim leaves them and takes the jobs agents do not
 * run (a verify); hosts no agent serves are the servers' as before.
 */
class AgentClaimsTest {
    @TempDir Path dir;
    TestDatabase database;
    Catalog catalog;

    @AfterEach
    void close() throws Exception {
        if (catalog != null) {
            catalog.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anAgentsHostJobsAreItsAndTheServersClaimLeavesThem(String kind) throws Exception {
        database = kind.equals("sqlite") ? TestDatabase.sqlite(dir) : TestDatabase.postgres();
        catalog = Catalog.open(database.config());
        catalog.hosts().ensure("edge", "qemu:///system");
        catalog.hosts().ensure("plain", "qemu+ssh://plain/system");
        Instant now = Instant.now();
        catalog.hosts().serveByAgent("edge", "edge:1:aa", now);

        Job edgeBackup = catalog.jobs().submit(BackupInstance.of("instance-1"), "edge");
        Job edgeVerify = catalog.jobs().submit(new VerifyVault("main", null, null), "edge");
        Job plainBackup = catalog.jobs().submit(BackupInstance.of("instance-2"), "plain");

        assertTrue(catalog.jobs().claimForAgent("plain", "edge:1:aa", 2, now).isEmpty(), "not the agent's host");
        Optional<Job> server1 = catalog.jobs().claimNext("server:1:bb", 2, now);
        Optional<Job> server2 = catalog.jobs().claimNext("server:1:bb", 2, now);
        assertEquals(edgeVerify.id(), server1.orElseThrow().id(), "a verify on the agent's host is still a server's");
        assertEquals(plainBackup.id(), server2.orElseThrow().id());
        assertTrue(catalog.jobs().claimNext("server:1:bb", 2, now).isEmpty(), "the agent's backup is left to it");

        Job claimed = catalog.jobs().claimForAgent("edge", "edge:1:aa", 2, now).orElseThrow();
        assertEquals(edgeBackup.id(), claimed.id());
        assertEquals(JobType.backup, claimed.type());
        assertEquals("edge:1:aa", catalog.jobs().claims().stream().filter(c -> c.jobId().equals(claimed.id()))
                .findFirst().orElseThrow().workerId());
        assertEquals(1, catalog.hosts().agentServed().size());

        // another agent took the host over (a newer announce): the first one claims nothing more there
        Job next = catalog.jobs().submit(BackupInstance.of("instance-1"), "edge");
        catalog.hosts().serveByAgent("edge", "edge:2:cc", now);
        assertTrue(catalog.jobs().claimForAgent("edge", "edge:1:aa", 2, now).isEmpty(), "the host is no longer its");
        assertEquals(next.id(), catalog.jobs().claimForAgent("edge", "edge:2:cc", 2, now).orElseThrow().id());
    }

    /**
     * An agent's waiting claim listens to {@code whenChangedAnywhere}: on PostgreSQL a job queued through another catalog
     * (another server) is heard (NOTIFY / LISTEN, {@code JobNotices}), not only at the next look a second later.
     */
    @org.junit.jupiter.api.Test
    void aJobQueuedByAnotherServerIsHeardOnPostgresql() throws Exception {
        database = TestDatabase.postgres();
        catalog = Catalog.open(database.config());
        catalog.hosts().ensure("edge", "qemu:///system");
        java.util.concurrent.CountDownLatch heard = new java.util.concurrent.CountDownLatch(1);
        try (Catalog other = Catalog.open(database.config());
             coffer.engine.job.Jobs.Subscription ignored = catalog.jobs().whenChangedAnywhere(heard::countDown)) {
            // the listener's LISTEN may start after a first submit: submit until heard (each submit is a new change)
            for (int i = 0; i < 600 && heard.getCount() > 0; i++) {
                other.jobs().submit(BackupInstance.of("instance-" + i), "edge");
                heard.await(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            assertEquals(0, heard.getCount(), "a submit through another catalog is heard");
        }
    }
}
