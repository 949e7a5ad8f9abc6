package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.operation.BackupInstance;
import coffer.engine.json.CofferJson;
import coffer.engine.operation.RestoreDisk;
import coffer.engine.job.JobLogEntry;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.Jobs;
import coffer.engine.job.WorkerJobs;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The catalog's repositories, one contract for every database: subclasses say which ({@link #database}).
 */
abstract class CatalogContract extends CatalogFixture {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jobsSubmittedInOneMillisecondAreClaimedInTheOrderTheyWereSubmitted() throws Exception {
        catalog.close();
        // a stopped clock: every job gets the same created_at, so only the ids can keep the order
        catalog = Catalog.open(database.config(), java.time.Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"),
                java.time.ZoneOffset.UTC));
        catalog.hosts().ensure("local", "qemu:///system");
        List<String> submitted = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            submitted.add(catalog.jobs().submit(BackupInstance.of("instance-" + i), "local").id());
        }
        List<String> claimed = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            claimed.add(catalog.jobs().claimNext("worker", 100, Instant.parse("2026-11-21T10:00:01Z")).orElseThrow().id());
        }
        assertEquals(submitted, claimed);
    }

    static Instant millis(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }

    static Instance instance(String id, String host, String name, String state, InstanceDisk... disks) {
        return new Instance(id, host, name, state, List.of(disks), millis(Instant.now()), false);
    }

    static InstanceDisk disk(String target) {
        return new InstanceDisk(target, "disk", "qcow2", "/var/lib/images/" + target + ".qcow2", 1 << 30, 1 << 20, null);
    }

    String knownInstance() {
        catalog.hosts().ensure("local", "qemu:///system");
        String id = UUID.randomUUID().toString();
        catalog.instances().refresh("local", List.of(instance(id, "local", "web", "running", disk("vda"))));
        return id;
    }

    // ---- opening ----

    @Test
    void reopeningKeepsDataAndRunsNoMigrationTwice() {
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.close();
        catalog = Catalog.open(database.config());
        assertEquals(List.of("local"), catalog.hosts().list().stream().map(Host::id).toList());
    }

    @Test
    void dialectFollowsTheUrl() {
        assertEquals(Dialect.of(database.config().jdbcUrl()), catalog.dialect());
        CofferException e = assertThrows(CofferException.class, () -> Dialect.of("jdbc:mysql://x/y"));
        assertEquals(ErrorCode.InvalidArgument, e.code());
        assertTrue(e.getMessage().contains("jdbc:mysql://x/y"));
    }

    // ---- hosts ----

    @Test
    void hostsAreEnsuredOncePerUri() {
        Host local = catalog.hosts().ensure("local", "qemu:///system");
        assertEquals("local", local.id());
        assertEquals(local, catalog.hosts().ensure("other-id", "qemu:///system"), "same URI: the existing host");
        catalog.hosts().ensure("remote", "qemu+ssh://root@b/system");
        assertEquals(List.of("local", "remote"), catalog.hosts().list().stream().map(Host::id).toList());
        assertEquals(Optional.of(local), catalog.hosts().find("local"));
        assertTrue(catalog.hosts().find("nope").isEmpty());
        CofferException e = assertThrows(CofferException.class, () -> catalog.hosts().ensure("local", "qemu:///session"));
        assertEquals(ErrorCode.InvalidArgument, e.code());
    }

    @Test
    void aJobTakesItsHostsRegionAndAHostMovedToAnotherRegionTakesItsJobsAlong() {
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.hosts().ensure("remote", "qemu+ssh://root@b/system");
        assertTrue(catalog.hosts().place("remote", "east"));
        assertFalse(catalog.hosts().place("remote", "east"), "unchanged");
        assertFalse(catalog.hosts().place("nope", "east"), "no such host");
        String before = catalog.jobs().submit(BackupInstance.of("web"), "local").id();
        String there = catalog.jobs().submit(BackupInstance.of("db"), "remote").id();
        assertEquals(List.of(there), ids(catalog.jobs().list(regionFilter("east"))));
        assertEquals(List.of(before), ids(catalog.jobs().list(regionFilter("local"))), "a host never placed is 'local'");
        assertTrue(catalog.hosts().place("local", "west"));
        assertEquals(List.of(before), ids(catalog.jobs().list(regionFilter("west"))), "its jobs moved with it");
        assertTrue(catalog.jobs().list(regionFilter("local")).isEmpty());
    }

    private static Jobs.Filter regionFilter(String region) {
        return new Jobs.Filter(null, null, null, null, null, null, null, null, region);
    }

    private static List<String> ids(List<Job> jobs) {
        return jobs.stream().map(Job::id).toList();
    }

    // ---- instances ----

    @Test
    void refreshAddsUpdatesAndMarksMissingInstancesGone() {
        catalog.hosts().ensure("local", "qemu:///system");
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        catalog.instances().refresh("local", List.of(instance(a, "local", "web", "running", disk("vda"), disk("vdb")),
                instance(b, "local", "db", "shutoff", disk("vda"))));
        assertEquals(List.of("db", "web"), catalog.instances().list("local").stream().map(Instance::name).toList());
        Instance web = catalog.instances().find(a).orElseThrow();
        assertEquals(List.of(disk("vda"), disk("vdb")), web.disks());
        assertFalse(web.gone());

        catalog.instances().refresh("local", List.of(instance(a, "local", "web2", "shutoff", disk("vdb"))));
        Instance renamed = catalog.instances().find(a).orElseThrow();
        assertEquals("web2", renamed.name());
        assertEquals("shutoff", renamed.state());
        assertEquals(List.of(disk("vdb")), renamed.disks());
        assertTrue(catalog.instances().find(b).orElseThrow().gone(), "db was not found again: gone, not deleted");
        assertEquals(2, catalog.instances().listAll().size());

        catalog.instances().refresh("local", List.of());
        assertTrue(catalog.instances().find(a).orElseThrow().gone());
    }

    @Test
    void instancesResolveByUuidOrByName() {
        catalog.hosts().ensure("a", "qemu:///system");
        catalog.hosts().ensure("b", "qemu+ssh://b/system");
        String onA = UUID.randomUUID().toString();
        String onB = UUID.randomUUID().toString();
        catalog.instances().refresh("b", List.of(instance(onB, "b", "same", "running")));
        catalog.instances().refresh("a", List.of(instance(onA, "a", "same", "running")));
        assertEquals(onB, catalog.instances().resolve(onB).orElseThrow().id());
        assertEquals(onB, catalog.instances().resolve(onB.toUpperCase()).orElseThrow().id());
        assertEquals(onA, catalog.instances().resolve("same").orElseThrow().id(), "first match by host id");
        assertTrue(catalog.instances().resolve("missing").isEmpty());
        assertTrue(catalog.instances().resolve(UUID.randomUUID().toString()).isEmpty());
        assertEquals(List.of(onA), catalog.instances().list("a").stream().map(Instance::id).toList());
    }

    // ---- protections ----

    @Test
    void protectionsAreAddedReplacedAndRemoved() {
        String id = knownInstance();
        Instant at = millis(Instant.now());
        catalog.protections().protect(List.of(new Protection(id, true, List.of(), "default", at)));
        assertEquals(Optional.of(new Protection(id, true, List.of(), "default", at)), catalog.protections().find(id));
        catalog.protections().protect(List.of(new Protection(id, false, List.of("vda", "vdb"), "other", at)));
        assertEquals(List.of(new Protection(id, false, List.of("vda", "vdb"), "other", at)), catalog.protections().list());
        assertTrue(catalog.protections().remove(id));
        assertFalse(catalog.protections().remove(id));
        assertTrue(catalog.protections().list().isEmpty());
    }

    @Test
    void aProtectionIsOfItsVaultsRegionAndPlacingAVaultMovesItsProtections() {
        String id = knownInstance();
        Instant at = millis(Instant.now());
        catalog.protections().protect(List.of(new Protection(id, true, List.of(), "east-vault", at, "east")));
        assertEquals("east", catalog.protections().find(id).orElseThrow().region());
        assertEquals(List.of(id), catalog.protections().list("east").stream().map(Protection::instanceId).toList());
        assertTrue(catalog.protections().list("west").isEmpty());
        assertEquals(0, catalog.protections().place("east-vault", "east"), "already there");
        assertEquals(0, catalog.protections().place("other", "west"), "another vault's");
        assertEquals(1, catalog.protections().place("east-vault", "west"));
        assertEquals(List.of(id), catalog.protections().list("west").stream().map(Protection::instanceId).toList());
        assertEquals("local", new Protection(id, true, List.of(), "v", at).region(), "a server without regions");
    }

    @Test
    void protectingAnUnknownInstanceChangesNothing() {
        String id = knownInstance();
        CofferException e = assertThrows(CofferException.class, () -> catalog.protections().protect(List.of(
                new Protection(id, true, List.of(), null, null),
                new Protection(UUID.randomUUID().toString(), true, List.of(), null, null))));
        assertEquals(ErrorCode.CatalogFailure, e.code());
        assertTrue(catalog.protections().list().isEmpty(), "one transaction: the valid one was not kept either");
    }

    // ---- points ----

    static PointRecord point(String id, String vault, String instanceId, Instant at) {
        return new PointRecord(id, vault, instanceId, "web", millis(at), "available", "CRASH", 3000, 1200,
                null, null, List.of(new PointRecord.PointDisk("vda", 2000, 1000), new PointRecord.PointDisk("vdb", 1000, 200)));
    }

    @Test
    void theNewestPointOfEachInstanceAndTheirProtectionsAreReadForAPageAtOnce() {
        catalog.hosts().ensure("local", "qemu:///system");
        List<String> ids = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString(), UUID.randomUUID().toString());
        catalog.instances().refresh("local", List.of(instance(ids.get(0), "local", "a", "running", disk("vda")),
                instance(ids.get(1), "local", "b", "running", disk("vda")), instance(ids.get(2), "local", "c", "running")));
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        PointRecord older = point("20250101-000000-aaaaaaaa", "default", ids.get(0), t);
        PointRecord newestOfA = point("20250102-000000-bbbbbbbb", "remote", ids.get(0), t.plusSeconds(60));
        PointRecord tieLow = point("20250103-000000-cccccccc", "default", ids.get(1), t);
        PointRecord tieHigh = point("20250103-000000-dddddddd", "default", ids.get(1), t);
        for (PointRecord p : List.of(newestOfA, tieLow, older, tieHigh)) {
            catalog.points().upsert(p);
        }
        List<PointRecord> newest = catalog.points().newestOfInstances(ids);
        assertEquals(Set.of(newestOfA, tieHigh), Set.copyOf(newest), "by creation, then id; c has none");
        assertEquals(2, newest.size());
        assertEquals(List.of(tieHigh), catalog.points().newestOfInstances(List.of(ids.get(1))));
        assertEquals(List.of(), catalog.points().newestOfInstances(List.of()));

        Protection protection = new Protection(ids.get(1), true, List.of(), "default", millis(t));
        catalog.protections().protect(List.of(protection));
        assertEquals(List.of(protection), catalog.protections().ofInstances(ids));
        assertEquals(List.of(), catalog.protections().ofInstances(List.of(ids.get(0))));
        assertEquals(List.of(), catalog.protections().ofInstances(List.of()));
    }

    @Test
    void pointsAreUpsertedListedNewestFirstAndDeleted() {
        String instance = knownInstance();
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        PointRecord first = point("20250101-000000-aaaaaaaa", "default", instance, t);
        PointRecord second = point("20250102-000000-bbbbbbbb", "default", instance, t.plusSeconds(86400));
        PointRecord elsewhere = point("20250103-000000-cccccccc", "remote", instance, t.plusSeconds(2 * 86400));
        catalog.points().upsert(first);
        catalog.points().upsert(second);
        catalog.points().upsert(elsewhere);
        assertEquals(List.of(elsewhere, second, first), catalog.points().listByInstance(instance));
        assertEquals(List.of(elsewhere, second, first), catalog.points().listAll());
        assertEquals(Optional.of(first), catalog.points().find(first.id()));

        PointRecord expiring = new PointRecord(first.id(), "default", instance, "web", first.createdAt(), "available",
                "APPLICATION", 3000, 1200, millis(t.plusSeconds(7 * 86400)), "job-1",
                List.of(new PointRecord.PointDisk("vda", 3000, 1200)));
        catalog.points().upsert(expiring);
        assertEquals(Optional.of(expiring), catalog.points().find(first.id()), "upsert replaces row and disks");
        assertEquals(List.of(elsewhere, second, expiring), catalog.points().listAll(), "each point with its own disks");
        assertEquals(List.of(elsewhere, second, expiring), catalog.points().listByInstance(instance));

        assertEquals(2, catalog.points().deleteVault("default"));
        assertEquals(List.of(elsewhere), catalog.points().listAll());
        assertTrue(catalog.points().delete(elsewhere.id()));
        assertFalse(catalog.points().delete(elsewhere.id()));
        assertTrue(catalog.points().listByInstance(instance).isEmpty());
    }

    @Test
    void aPageOfPointsIsFilteredInTheQueryAndCountsEveryMatch() {
        String instance = knownInstance();
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        List<PointRecord> written = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            PointRecord p = new PointRecord(String.format("2025010%d-000000-aaaaaaaa", i + 1), "default", instance, "web",
                    millis(t.plusSeconds(86400L * i)), "available", i % 3 == 0 ? "APPLICATION" : "CRASH", 10, 5, null, null,
                    List.of(new PointRecord.PointDisk("vd" + (char) ('a' + i), i, i)));
            catalog.points().upsert(p);
            written.add(p);
        }
        Page<PointRecord> all = catalog.points().page(new PointQuery(null, null, null, null, null, null, null, null, 0, 1000));
        assertEquals(6, all.total());
        assertEquals(written.reversed(), all.items(), "newest first, each with its own disks");
        Page<PointRecord> crash = catalog.points().page(new PointQuery(List.of(instance), null, "CRASH", null, null,
                t.plusSeconds(86400), t.plusSeconds(5 * 86400), null, 1, 2));
        assertEquals(3, crash.total(), "days 1, 2 and 4 are CRASH within [since, until)");
        assertEquals(List.of(written.get(2), written.get(1)), crash.items());
        assertEquals(0, catalog.points().page(new PointQuery(List.of("no-such-instance"), null, null, null, null, null, null,
                null, 0, 5)).total());
        assertTrue(catalog.points().page(new PointQuery(null, null, null, null, null, null, null, null, 6, 5)).items().isEmpty());
    }

    @Test
    void pointsNameTheirRegionAndListByIt() {
        String instance = knownInstance();
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        PointRecord local = point("20250101-000000-aaaaaaaa", "default", instance, t);
        PointRecord replica = point("20250101-000000-dddddddd", "east-vault", instance, t).inRegion("east");
        catalog.points().upsert(local);
        catalog.points().upsert(replica);
        assertEquals(PointRecord.LOCAL_REGION, local.region(), "a row made without a region is in 'local'");
        assertEquals(List.of(local), catalog.points().listByRegion("local"));
        assertEquals(List.of(replica), catalog.points().listByRegion("east"));
        assertEquals(Optional.of(replica), catalog.points().find(replica.id()));
        assertEquals(List.of(replica, local), catalog.points().listByInstance(instance), "one instance, both regions");
    }

    @Test
    void rowsOfEveryKindBelongToTheLocalRegionUnlessTold() {
        String instance = knownInstance();
        catalog.protections().protect(List.of(new Protection(instance, true, List.of(), "default", millis(Instant.now()))));
        String job = catalog.jobs().submit(new coffer.engine.operation.BackupInstance("web", null, null, null, null, false, null, null,
                null), catalog.hosts().list().getFirst().id()).id();
        for (String table : List.of("protections", "jobs", "points", "policies")) {
            long notLocal = catalog.sql().<Long>read(s -> s.count("SELECT COUNT(*) FROM " + table + " WHERE region <> 'local'"));
            assertEquals(0, notLocal, table);
        }
        assertEquals(1L, (long) catalog.sql().read(s -> s.count("SELECT COUNT(*) FROM jobs WHERE id = ? AND region = 'local'", job)));
    }

    @Test
    void aReplicationIsQueuedRunFailedRetriedAndDone() {
        String instance = knownInstance();
        PointRecord point = point("20250101-000000-aaaaaaaa", "default", instance, Instant.parse("2025-01-01T00:00:00Z"));
        catalog.points().upsert(point);
        Replications replications = catalog.replications();
        assertEquals(List.of(), replications.ofPoint(point.id()), "not replicated");

        assertTrue(replications.queue(point.id(), "east", "v"));
        assertFalse(replications.queue(point.id(), "east", "v"), "queued once");
        assertEquals(List.of(new Replications.Lag("default", "east", "v", point.createdAt())), replications.lags(),
                "the queued point is the oldest not replicated");
        assertTrue(replications.start(point.id(), "east", "v", "job-1"));
        assertFalse(replications.start(point.id(), "east", "v", "job-2"), "one run at a time");
        Instant retry = millis(Instant.parse("2025-01-01T01:00:00Z"));
        replications.failed(point.id(), "east", "v", "ReplicationMetadataSyncFailed", "manifest not written", retry);
        ReplicationRecord failed = replications.find(point.id(), "east", "v").orElseThrow();
        assertEquals(ReplicationRecord.State.FAILED, failed.state());
        assertEquals(1, failed.attempts());
        assertEquals("ReplicationMetadataSyncFailed", failed.errorCode());
        assertEquals(retry, failed.nextAttemptAt());
        assertEquals(List.of(), replications.due(retry.minusSeconds(1)));
        assertEquals(List.of(failed), replications.due(retry));

        assertTrue(replications.start(point.id(), "east", "v", "job-2"), "a retry starts from failed");
        replications.done(point.id(), "east", "v", "20250101-000000-12345678");
        ReplicationRecord done = replications.find(point.id(), "east", "v").orElseThrow();
        assertEquals(ReplicationRecord.State.DONE, done.state());
        assertEquals("20250101-000000-12345678", done.replicaId());
        assertNull(done.errorCode());
        assertFalse(replications.queue(point.id(), "east", "v"), "done stays done");
        assertEquals(List.of(new Replications.Lag("default", "east", "v", null)), replications.lags(), "nothing pending");
        assertEquals(List.of(), replications.due(retry.plusSeconds(3600)));

        assertTrue(replications.queue(point.id(), "west", "w"), "another destination of the same point");
        assertEquals(List.of("east", "west"), replications.ofPoint(point.id()).stream().map(ReplicationRecord::region).toList());
        catalog.points().upsert(point);
        assertEquals(2, replications.ofPoint(point.id()).size(), "a point row replaced (a rebuild) keeps its statuses");
        assertEquals(new Replications.Lag("default", "west", "w", point.createdAt()), replications.lags().get(1));
        catalog.points().delete(point.id());
        assertEquals(List.of(), replications.ofPoint(point.id()), "deleted with the point");
        assertEquals(List.of(), replications.lags());
    }

    // ---- tokens ----

    @Test
    void tokensAuthenticateByTheirSecretUntilRevoked() {
        Tokens.Created created = catalog.tokens().create("admin", "admin");
        assertTrue(created.secret().startsWith("cof_"));
        assertEquals(4 + 43, created.secret().length(), "32 bytes in unpadded base64url");
        assertNull(created.token().lastUsedAt());
        Token used = catalog.tokens().authenticate(created.secret()).orElseThrow();
        assertEquals(created.token().id(), used.id());
        assertEquals("admin", used.role());
        assertTrue(used.lastUsedAt() != null);
        assertTrue(catalog.tokens().authenticate(created.secret() + "x").isEmpty());
        assertTrue(catalog.tokens().authenticate("nonsense").isEmpty());
        assertTrue(catalog.tokens().authenticate(null).isEmpty());

        Tokens.Created viewer = catalog.tokens().create("ci", "viewer");
        assertNotEquals(created.secret(), viewer.secret());
        // both may be created in the same clock tick: the list's order then is not theirs to decide
        assertEquals(List.of("admin", "ci"), catalog.tokens().list().stream().map(Token::name).sorted().toList());
        catalog.tokens().create("ops", "admin"); // the last live admin cannot be revoked
        assertTrue(catalog.tokens().revoke(created.token().id()));
        assertFalse(catalog.tokens().revoke(created.token().id()));
        assertTrue(catalog.tokens().authenticate(created.secret()).isEmpty());
        assertTrue(catalog.tokens().list().stream().filter(t -> t.id().equals(created.token().id())).findFirst()
                .orElseThrow().revokedAt() != null);
        assertEquals("viewer", catalog.tokens().authenticate(viewer.secret()).orElseThrow().role());
    }

    @Test
    void consoleSessionsAreFoundByTheirIdUntilTheyEndAndOnlyTheirHashIsStored() throws Exception {
        catalog.tokens().create("keeper", "admin");
        Tokens.Created op = catalog.tokens().create("op", "operator");
        Instant now = Instant.parse("2026-03-02T10:00:00Z");
        catalog.consoleSessions().open("session-a", op.token().id(), "csrf-a", now.plusSeconds(3600));
        catalog.consoleSessions().open("session-b", op.token().id(), "csrf-b", now.plusSeconds(60));
        ConsoleSessionRecord a = catalog.consoleSessions().findLive("session-a", now).orElseThrow();
        assertEquals(List.of(op.token().id(), "op", "operator", "csrf-a", now.plusSeconds(3600)),
                List.of(a.tokenId(), a.tokenName(), a.role(), a.csrf(), a.expiresAt()));
        assertTrue(catalog.consoleSessions().findLive("session-c", now).isEmpty());
        assertTrue(catalog.consoleSessions().findLive("session-b", now.plusSeconds(60)).isEmpty(), "ended at its expiry");
        List<String> stored = catalog.sql().query("SELECT id_sha256 FROM console_sessions ORDER BY id_sha256", r -> r.getString(1));
        assertEquals(2, stored.size());
        assertFalse(stored.contains("session-a") || stored.contains("session-b"), "only hashes: " + stored);

        assertEquals(1, catalog.consoleSessions().sweep(now.plusSeconds(60)), "the expired one swept");
        assertTrue(catalog.consoleSessions().close("session-a"));
        assertFalse(catalog.consoleSessions().close("session-a"));
        catalog.consoleSessions().open("session-d", op.token().id(), "csrf-d", now.plusSeconds(3600));
        assertTrue(catalog.tokens().revoke(op.token().id()));
        assertTrue(catalog.consoleSessions().findLive("session-d", now).isEmpty(), "its token revoked");
        assertEquals(1, catalog.consoleSessions().sweep(now), "a revoked token's session swept");
    }

    @Test
    void theLastLiveAdminTokenCannotBeRevoked() {
        assertFalse(catalog.tokens().hasLiveAdmin());
        Tokens.Created first = catalog.tokens().create("first", "admin");
        Tokens.Created viewer = catalog.tokens().create("ci", "viewer");
        assertTrue(catalog.tokens().hasLiveAdmin());
        CofferException e = assertThrows(CofferException.class, () -> catalog.tokens().revoke(first.token().id()));
        assertEquals(ErrorCode.LastAdminToken, e.code());
        assertTrue(e.getMessage().contains("'first'") && e.getMessage().contains(first.token().id()), e.getMessage());
        assertTrue(catalog.tokens().authenticate(first.secret()).isPresent(), "still live");
        assertTrue(catalog.tokens().revoke(viewer.token().id()), "other roles are revoked freely");

        Tokens.Created second = catalog.tokens().create("second", "admin");
        assertTrue(catalog.tokens().revoke(first.token().id()));
        assertEquals(ErrorCode.LastAdminToken, assertThrows(CofferException.class,
                () -> catalog.tokens().revoke(second.token().id())).code());
        assertFalse(catalog.tokens().revoke(first.token().id()), "already revoked");
        assertTrue(catalog.tokens().hasLiveAdmin());
        catalog.tokens().discard(second.token().id()); // a token whose secret reached no one goes whatever its role
        assertFalse(catalog.tokens().hasLiveAdmin());
        // created in one clock tick, the two may list in either order
        assertEquals(java.util.Set.of("first", "ci"), java.util.Set.copyOf(catalog.tokens().list().stream().map(Token::name).toList()));
    }

    @Test
    void twoAdminsRevokingEachOtherAtOnceLeaveOne() throws Exception {
        Tokens.Created survivor = catalog.tokens().create("admin-0", "admin");
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            for (int round = 1; round <= 20; round++) {
                Tokens.Created other = catalog.tokens().create("admin-" + round, "admin");
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Boolean>> revokes = new ArrayList<>();
                for (Tokens.Created target : List.of(survivor, other)) {
                    revokes.add(threads.submit(() -> {
                        start.await();
                        try {
                            return catalog.tokens().revoke(target.token().id());
                        } catch (CofferException e) {
                            assertEquals(ErrorCode.LastAdminToken, e.code(), e.getMessage());
                            return false;
                        }
                    }));
                }
                boolean firstRevoked = revokes.get(0).get(30, TimeUnit.SECONDS);
                boolean otherRevoked = revokes.get(1).get(30, TimeUnit.SECONDS);
                assertTrue(firstRevoked ^ otherRevoked, "round " + round + ": exactly one of the two is revoked, got "
                        + firstRevoked + " and " + otherRevoked);
                assertTrue(catalog.tokens().hasLiveAdmin(), "round " + round);
                survivor = firstRevoked ? other : survivor;
            }
        }
        assertEquals(1, catalog.tokens().list().stream().filter(t -> t.revokedAt() == null).count());
    }

    @Test
    void tokensStoreOnlyTheHashOfTheSecret() {
        Tokens.Created created = catalog.tokens().create("admin", "admin");
        List<String> stored = catalog.sql().query("SELECT secret_sha256 FROM tokens", r -> r.getString(1));
        assertEquals(List.of(SqlTokens.sha256(created.secret())), stored);
        assertEquals(64, stored.getFirst().length());
    }

    @Test
    void tokenRolesAreChecked() {
        CofferException e = assertThrows(CofferException.class, () -> catalog.tokens().create("x", "root"));
        assertEquals(ErrorCode.InvalidArgument, e.code());
        assertTrue(e.getMessage().contains("root"));
    }

    // ---- jobs (the rows; the runner has its own contract) ----

    static BackupInstance backup(String instance) {
        return new BackupInstance(instance, "default", null, null, null, false, null, null, null);
    }

    @Test
    void submittedJobsAreQueuedAndListedWithFilters() {
        String instance = knownInstance();
        Job backup = catalog.jobs().submit(backup(instance), "local");
        assertEquals(JobState.queued, backup.state());
        assertEquals(CofferJson.tree(backup(instance)), backup.params());
        assertEquals(backup(instance), backup.operation());
        assertEquals(-1, backup.etaSeconds());
        Job restore = catalog.jobs().submit(new RestoreDisk("20250101-000000-aaaaaaaa", "vda", "/tmp/vda.raw", null, false, false), "local");
        assertEquals(Optional.of(backup), catalog.jobs().find(backup.id()));
        assertEquals(Set.of(backup.id(), restore.id()),
                Set.copyOf(catalog.jobs().list(Jobs.Filter.ALL).stream().map(Job::id).toList()));
        assertEquals(List.of(restore.id()), catalog.jobs().list(new Jobs.Filter(null, JobType.restore_disk, null, null))
                .stream().map(Job::id).toList());
        assertEquals(List.of(backup.id()), catalog.jobs().list(new Jobs.Filter(JobState.queued, null, instance, null))
                .stream().map(Job::id).toList());
        assertEquals(1, catalog.jobs().list(new Jobs.Filter(null, null, null, 1)).size());
        assertTrue(catalog.jobs().list(new Jobs.Filter(JobState.running, null, null, null)).isEmpty());
        assertTrue(catalog.jobs().find("nope").isEmpty());
    }

    @Test
    void jobLogKeepsLinesInOrder() {
        Job job = catalog.jobs().submit(backup(knownInstance()), "local");
        catalog.jobs().appendLog(job.id(), "info", "one");
        catalog.jobs().appendLog(job.id(), "warning", "two");
        List<JobLogEntry> log = catalog.jobs().log(job.id());
        assertEquals(List.of("info:one", "warning:two"), log.stream().map(l -> l.level() + ":" + l.message()).toList());
        assertTrue(log.get(0).sequence() < log.get(1).sequence());
    }

    /** A job's log a page at a time, oldest first, by its cursor: every line once, another job's lines never. */
    @Test
    void aJobsLogPagesThroughItsCursorOldestLineFirst() {
        Job job = catalog.jobs().submit(backup(knownInstance()), "local");
        Job other = catalog.jobs().submit(backup(knownInstance()), "local");
        for (int i = 1; i <= 7; i++) {
            catalog.jobs().appendLog(job.id(), "info", "line " + i);
            catalog.jobs().appendLog(other.id(), "info", "other " + i);
        }
        List<String> read = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        PageCursor cursor = null;
        do {
            Page<JobLogEntry> page = catalog.jobs().logPage(job.id(), cursor, 3);
            page.items().forEach(l -> read.add(l.message()));
            sizes.add(page.items().size());
            cursor = page.next();
        } while (cursor != null);
        assertEquals(List.of("line 1", "line 2", "line 3", "line 4", "line 5", "line 6", "line 7"), read);
        assertEquals(List.of(3, 3, 1), sizes);
        assertNull(catalog.jobs().logPage(job.id(), null, 7).next(), "seven lines fit a page of seven");
        CofferException bad = assertThrows(CofferException.class,
                () -> catalog.jobs().logPage(job.id(), new PageCursor(Instant.now(), "not-a-sequence"), 3));
        assertEquals(ErrorCode.InvalidArgument, bad.code());
        assertTrue(bad.getMessage().startsWith("cursor"), bad.getMessage());
    }

    @Test
    void cancellingAQueuedJobEndsItAtOnceAndARunningOneSetsTheFlag() {
        String instance = knownInstance();
        AtomicInteger changes = new AtomicInteger();
        Jobs.Subscription subscription = catalog.jobs().whenChanged(changes::incrementAndGet);
        Job queued = catalog.jobs().submit(backup(instance), "local");
        Job cancelled = catalog.jobs().cancel(queued.id()).orElseThrow();
        assertEquals(JobState.cancelled, cancelled.state());
        assertEquals(ErrorCode.Cancelled.name(), cancelled.errorCode());
        assertTrue(cancelled.finishedAt() != null);

        Job other = catalog.jobs().submit(backup(instance), "local");
        Job claimed = catalog.jobs().claimNext("w1", 2, Instant.now()).orElseThrow();
        assertEquals(other.id(), claimed.id());
        Job flagged = catalog.jobs().cancel(other.id()).orElseThrow();
        assertEquals(JobState.running, flagged.state());
        assertTrue(flagged.cancelRequested());
        assertEquals(List.of(other.id()), catalog.jobs().cancelRequested("w1"));
        assertTrue(catalog.jobs().cancel("nope").isEmpty());
        assertEquals(5, changes.get(), "two submits and three cancels");
        subscription.close();
        catalog.jobs().submit(backup(instance), "local");
        assertEquals(5, changes.get());
    }

    @Test
    void claimingRespectsThePerHostLimitAndTakesTheOldestFirst() {
        String instance = knownInstance();
        catalog.hosts().ensure("other", "qemu+ssh://other/system");
        Job a = catalog.jobs().submit(backup(instance), "local");
        Job b = catalog.jobs().submit(backup(instance), "local");
        Job c = catalog.jobs().submit(backup(instance), "other");
        Instant now = millis(Instant.now());
        Job first = catalog.jobs().claimNext("w1", 1, now).orElseThrow();
        assertEquals(a.id(), first.id());
        assertEquals(JobState.running, first.state());
        assertEquals(now, first.startedAt());
        assertEquals(now, first.heartbeatAt());
        assertEquals(c.id(), catalog.jobs().claimNext("w2", 1, now).orElseThrow().id(), "local is at its limit");
        assertTrue(catalog.jobs().claimNext("w2", 1, now).isEmpty());
        assertEquals(b.id(), catalog.jobs().claimNext("w2", 2, now).orElseThrow().id());
    }

    /**
     * A batch claim (docs/design/jobs.md, "Claiming") takes the oldest jobs while their host is below the limit, counting
     * the host's running jobs of every worker and the ones it takes itself, and writes each one's start line.
     */
    @Test
    void aBatchClaimTakesTheOldestJobsWithinEachHostsLimitAndWritesTheirStartLines() {
        String instance = knownInstance();
        catalog.hosts().ensure("other", "qemu+ssh://other/system");
        List<Job> local = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            local.add(catalog.jobs().submit(backup(instance), "local"));
        }
        Job elsewhere = catalog.jobs().submit(backup(instance), "other");
        Job lastOfOther = catalog.jobs().submit(backup(instance), "other");
        Instant now = millis(Instant.now());
        assertEquals(local.getFirst().id(), catalog.jobs().claimNext("w1", 2, now).orElseThrow().id());

        List<Job> batch = catalog.jobs().claim("w2", 2, 10, now);
        assertEquals(List.of(local.get(1).id(), elsewhere.id(), lastOfOther.id()), batch.stream().map(Job::id).toList(),
                "one more on local (w1 runs one), two on other, oldest first");
        assertTrue(batch.stream().allMatch(j -> j.state() == JobState.running && now.equals(j.startedAt())
                && now.equals(j.heartbeatAt())), batch.toString());
        assertEquals(List.of("started on worker w2"), catalog.jobs().log(elsewhere.id()).stream()
                .map(JobLogEntry::message).toList());
        assertTrue(catalog.jobs().claim("w3", 2, 10, now).isEmpty(), "every host at its limit");
        assertEquals(List.of(local.get(2).id()), catalog.jobs().claim("w3", 3, 10, now).stream().map(Job::id).toList());
        assertEquals(List.of(local.get(3).id()), catalog.jobs().claim("w3", 4, 1, now).stream().map(Job::id).toList(),
                "no more than asked for");
        assertTrue(catalog.jobs().claim("w3", 9, 10, now).isEmpty(), "nothing queued");
    }

    /** A job's last lines and progress are written with its end; the lines stay when it was no longer the worker's. */
    @Test
    void aJobsLastLinesAndProgressAreWrittenWithItsEnd() {
        Job job = catalog.jobs().submit(backup(knownInstance()), "local");
        Instant start = millis(Instant.now());
        catalog.jobs().claim("w1", 2, 1, start);
        Jobs.Outcome done = new Jobs.Outcome(JobState.succeeded, JSON.createObjectNode().put("point", "p1"), null, null);
        assertTrue(catalog.jobs().finish(job.id(), "w1", done, start.plusSeconds(9), List.of(
                new WorkerJobs.LogLine(start.plusSeconds(2), "warning", "vdb skipped"),
                new WorkerJobs.LogLine(start.plusSeconds(8), "info", "succeeded")), new WorkerJobs.Progress(1000, 1000, 125, 0)));
        Job finished = catalog.jobs().find(job.id()).orElseThrow();
        assertEquals(List.of(1000L, 1000L, 125L, 0L), List.of(finished.bytesDone(), finished.bytesTotal(),
                finished.bytesPerSecond(), finished.etaSeconds()));
        assertEquals(JobState.succeeded, finished.state());
        List<JobLogEntry> log = catalog.jobs().log(job.id());
        assertEquals(List.of("started on worker w1", "vdb skipped", "succeeded"), log.stream().map(JobLogEntry::message).toList());
        assertEquals(start.plusSeconds(2), log.get(1).at(), "stamped when said, not when written");

        assertFalse(catalog.jobs().finish(job.id(), "w1", done, start.plusSeconds(10),
                List.of(new WorkerJobs.LogLine(start.plusSeconds(10), "info", "late")), null), "ends once");
        assertEquals("late", catalog.jobs().log(job.id()).getLast().message());
    }

    @Test
    void workersHeartbeatReportProgressAndFinishOnce() {
        Job job = catalog.jobs().submit(backup(knownInstance()), "local");
        Instant start = millis(Instant.now());
        catalog.jobs().claimNext("w1", 2, start);
        assertEquals(1, catalog.jobs().heartbeat("w1", start.plusSeconds(5)));
        assertEquals(0, catalog.jobs().heartbeat("w2", start.plusSeconds(5)));
        assertEquals(List.of(new Jobs.Claim(job.id(), "local", "w1", start.plusSeconds(5))), catalog.jobs().claims());
        catalog.jobs().progress(job.id(), 500, 1000, 100, 5);
        Job progressed = catalog.jobs().find(job.id()).orElseThrow();
        assertEquals(List.of(500L, 1000L, 100L, 5L), List.of(progressed.bytesDone(), progressed.bytesTotal(),
                progressed.bytesPerSecond(), progressed.etaSeconds()));

        Jobs.Outcome done = new Jobs.Outcome(JobState.succeeded, JSON.createObjectNode().put("point", "p1"), null, null);
        assertFalse(catalog.jobs().finish(job.id(), "w2", done, start), "not w2's job");
        assertTrue(catalog.jobs().finish(job.id(), "w1", done, start.plusSeconds(9)));
        assertFalse(catalog.jobs().finish(job.id(), "w1", done, start), "ends once");
        Job finished = catalog.jobs().find(job.id()).orElseThrow();
        assertEquals(JobState.succeeded, finished.state());
        assertEquals("p1", finished.result().get("point").asText());
        assertEquals(start.plusSeconds(9), finished.finishedAt());
        assertTrue(catalog.jobs().claims().isEmpty());
    }

    @Test
    void aLostJobFailsWithWorkerLostOnlyWhileItsWorkerStillHoldsIt() {
        Job job = catalog.jobs().submit(backup(knownInstance()), "local");
        catalog.jobs().claimNext("w1", 2, Instant.now());
        assertFalse(catalog.jobs().failLost(job.id(), "w2", "gone", Instant.now()));
        assertTrue(catalog.jobs().failLost(job.id(), "w1", "worker lost: w1 stopped", Instant.now()));
        Job failed = catalog.jobs().find(job.id()).orElseThrow();
        assertEquals(JobState.failed, failed.state());
        assertEquals(ErrorCode.WorkerLost.name(), failed.errorCode());
        assertEquals("worker lost: w1 stopped", catalog.jobs().log(job.id()).getLast().message());
        assertFalse(catalog.jobs().finish(job.id(), "w1", new Jobs.Outcome(JobState.succeeded, null, null, null),
                Instant.now()), "a worker coming back cannot overwrite the verdict");
    }
}
