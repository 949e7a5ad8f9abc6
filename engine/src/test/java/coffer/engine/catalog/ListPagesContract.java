package coffer.engine.catalog;

import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.Jobs;
import coffer.engine.operation.BackupInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The paged lists on a real catalog with many rows: walking every page returns every row once, also while rows are
 * added between pages (newer and older ones, and rows sharing a creation time); each filter returns exactly the rows
 * it names; a page is read fast (indicative: the bound is loose, the timings are printed).
 */
abstract class ListPagesContract extends CatalogFixture {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final String[] CONSISTENCIES = {"CRASH", "FILESYSTEM", "APPLICATION"};
    final Random random = new Random(21);

    /** How many points the walk test inserts (10,000 on PostgreSQL). */
    abstract int points();

    @BeforeEach
    void instances() {
        catalog.hosts().ensure("h1", "qemu:///system");
        catalog.hosts().ensure("h2", "qemu+ssh://other/system");
        catalog.instances().refresh("h1", IntStream.range(0, 50).mapToObj(i -> instance("h1", i)).toList());
        catalog.instances().refresh("h2", IntStream.range(50, 100).mapToObj(i -> instance("h2", i)).toList());
    }

    static Instance instance(String host, int i) {
        return new Instance("u-" + i, host, "vm-" + i, "running", List.of(), T0, false);
    }

    /** Point {@code n}: instance n % 100, every third pair of points at the same millisecond, regions and levels mixed. */
    PointRecord point(int n, Instant at) {
        return new PointRecord(String.format("p-%06d-%04x", n, random.nextInt(0x10000)), "default", "u-" + (n % 100),
                "vm-" + (n % 100), at, "available", CONSISTENCIES[n % 3], 1L << 20, 1L << 10,
                n % 7 == 0 ? T0.plus(Duration.ofDays(1)) : null, null, List.of(new PointRecord.PointDisk("vda", 1L << 20, 1L << 10)),
                null, n % 5 == 0 ? "eu" : PointRecord.LOCAL_REGION);
    }

    /** Inserts many rows in one transaction (the repository's upsert is one transaction per point). */
    List<PointRecord> insert(int from, int count, Instant start) {
        List<PointRecord> rows = new ArrayList<>();
        for (int n = from; n < from + count; n++) {
            rows.add(point(n, start.plusMillis((n - from) / 3 * 1000L))); // three points per instant: ties on the time
        }
        catalog.sql().transaction(s -> {
            for (PointRecord p : rows) {
                s.update("INSERT INTO points (id, vault, instance_id, instance_name, created_at, status, consistency,"
                                + " logical_bytes, stored_bytes, expires_at, job_id, consistency_reason, region)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", p.id(), p.vault(), p.instanceId(),
                        p.instanceName(), p.createdAt(), p.status(), p.consistency(), p.logicalBytes(), p.storedBytes(),
                        p.expiresAt(), p.jobId(), p.consistencyReason(), p.region());
                s.update("INSERT INTO point_disks (point_id, ordinal, target, logical_bytes, stored_bytes) VALUES (?, 0, ?, ?, ?)",
                        p.id(), "vda", p.logicalBytes(), p.storedBytes());
            }
            return null;
        });
        return rows;
    }

    @Test
    void walkingEveryPageReturnsEveryPointOnceWhilePointsAreAddedNewerAndOlder() {
        List<PointRecord> existing = insert(0, points(), T0);
        Set<String> seen = new HashSet<>();
        List<Long> pageMillis = new ArrayList<>();
        PointQuery query = PointQuery.all(500);
        int pages = 0;
        int added = 0;
        PageCursor after = null;
        PointRecord previous = null;
        do {
            long started = System.nanoTime();
            Page<PointRecord> page = catalog.points().page(query.after(after));
            pageMillis.add((System.nanoTime() - started) / 1_000_000);
            for (PointRecord p : page.items()) {
                assertTrue(seen.add(p.id()), "point " + p.id() + " on two pages");
                assertEquals(1, p.disks().size(), "a page's points come with their disks");
                if (previous != null) {
                    assertTrue(NEWEST_FIRST.compare(previous, p) < 0, "newest first: " + previous.id() + " then " + p.id());
                }
                previous = p;
            }
            after = page.next();
            pages++;
            if (after != null) { // between pages: a newer point (before every cursor) and an older one (met once, later)
                insert(points() + 2 * added, 1, T0.plus(Duration.ofDays(30)).plusSeconds(added));
                insert(points() + 2 * added + 1, 1, T0.minus(Duration.ofDays(30)).minusSeconds(added));
                added++;
            }
        } while (after != null);

        for (PointRecord p : existing) {
            assertTrue(seen.contains(p.id()), "point " + p.id() + " missed by the walk");
        }
        assertEquals(points() + added, seen.size(), "every existing point once, and each older point added meanwhile once");
        assertEquals((points() + 499) / 500 + 1, pages, "full pages, then the older points added meanwhile");
        List<Long> sorted = pageMillis.stream().sorted().toList();
        System.out.printf("%d points, %d pages of 500: page read p50 %d ms, max %d ms (%s)%n", points(), pages,
                sorted.get(sorted.size() / 2), sorted.getLast(), catalog.dialect());
        // how fast is a figure (printed; ListPagesScaleIT and docs/performance.md measure it), not an assertion: a time
        // bound depends on the machine (docs/reliability.md, "Tests that wait")
    }

    static final Comparator<PointRecord> NEWEST_FIRST = Comparator.comparing(PointRecord::createdAt)
            .thenComparing(PointRecord::id).reversed();

    @Test
    void eachFilterReturnsExactlyThePointsItNamesPageByPage() {
        List<PointRecord> all = insert(0, 2_000, T0);
        Instant now = T0.plus(Duration.ofDays(2)); // the points with an expiry have expired
        Instant from = T0.plusSeconds(100);
        Instant to = T0.plusSeconds(400);
        check(all, new PointQuery(List.of("u-7", "u-8"), null, null, null, null, null, null, null, null, 7),
                p -> p.instanceId().equals("u-7") || p.instanceId().equals("u-8"));
        check(all, new PointQuery(null, "eu", null, null, null, null, null, null, null, 50), p -> p.region().equals("eu"));
        check(all, new PointQuery(null, null, "APPLICATION", null, null, null, null, null, null, 100),
                p -> p.consistency().equals("APPLICATION"));
        check(all, new PointQuery(null, null, null, true, now, null, null, null, null, 100), p -> p.expiresAt() != null);
        check(all, new PointQuery(null, null, null, false, now, null, null, null, null, 100), p -> p.expiresAt() == null);
        check(all, new PointQuery(null, null, null, null, null, from, to, null, null, 64),
                p -> !p.createdAt().isBefore(from) && p.createdAt().isBefore(to));
        check(all, new PointQuery(List.of("u-10", "u-20", "u-30"), "eu", "FILESYSTEM", false, now, from, null, null, null, 3),
                p -> List.of("u-10", "u-20", "u-30").contains(p.instanceId()) && p.region().equals("eu")
                        && p.consistency().equals("FILESYSTEM") && p.expiresAt() == null && !p.createdAt().isBefore(from));
        check(all, new PointQuery(List.of(), null, null, null, null, null, null, null, null, 10), p -> false);
    }

    private void check(List<PointRecord> all, PointQuery query, Predicate<PointRecord> expected) {
        List<String> want = all.stream().filter(expected).sorted(NEWEST_FIRST).map(PointRecord::id).toList();
        List<String> got = new ArrayList<>();
        PageCursor after = null;
        do {
            Page<PointRecord> page = catalog.points().page(query.after(after));
            assertTrue(page.items().size() <= query.limit());
            page.items().forEach(p -> got.add(p.id()));
            after = page.next();
        } while (after != null);
        assertEquals(want, got, "the points of " + query);
    }

    @Test
    void instancesPageByNameWithTheirFiltersAndEachOnceWhileInstancesAreAdded() {
        List<Instance> extra = new ArrayList<>();
        for (int i = 100; i < 1_100; i++) { // names shared by two hosts: the id breaks the tie
            extra.add(new Instance(String.format("x-%04d", i), i % 2 == 0 ? "h1" : "h2", "vm-" + (i % 500),
                    i % 3 == 0 ? "shutoff" : "running", List.of(new InstanceDisk("vda", "disk", "qcow2", "/d/" + i, 1L << 30, 1L << 20, null)),
                    T0, false));
        }
        catalog.instances().refresh("h1", java.util.stream.Stream.concat(IntStream.range(0, 50).mapToObj(i -> instance("h1", i)),
                extra.stream().filter(i -> i.hostId().equals("h1"))).toList());
        catalog.instances().refresh("h2", java.util.stream.Stream.concat(IntStream.range(50, 100).mapToObj(i -> instance("h2", i)),
                extra.stream().filter(i -> i.hostId().equals("h2"))).toList());
        for (int i = 0; i < 1_100; i += 7) {
            catalog.protections().protect(List.of(new Protection(i < 100 ? "u-" + i : String.format("x-%04d", i), true,
                    List.of(), "default", T0)));
        }
        List<Instance> all = catalog.instances().listAll();
        assertEquals(1_100, all.size());
        Set<String> protectedIds = new HashSet<>();
        catalog.protections().list().forEach(p -> protectedIds.add(p.instanceId()));

        List<Long> pageMillis = new ArrayList<>();
        checkInstances(all, new InstanceQuery(null, null, null, null, null, 100), i -> true, pageMillis);
        checkInstances(all, new InstanceQuery(List.of("h2"), null, null, null, null, 33), i -> i.hostId().equals("h2"), pageMillis);
        checkInstances(all, new InstanceQuery(null, null, true, null, null, 17), i -> protectedIds.contains(i.id()), pageMillis);
        checkInstances(all, new InstanceQuery(null, null, false, "shutoff", null, 50),
                i -> !protectedIds.contains(i.id()) && i.state().equals("shutoff"), pageMillis);
        checkInstances(all, new InstanceQuery(List.of("h1"), List.of("u-3", "u-60", "x-0102"), null, null, null, 1),
                i -> i.hostId().equals("h1") && List.of("u-3", "u-60", "x-0102").contains(i.id()), pageMillis);
        checkInstances(all, new InstanceQuery(null, List.of(), null, null, null, 10), i -> false, pageMillis);

        // a walk while instances are added: each instance that existed is met once
        Set<String> seen = new HashSet<>();
        InstanceQuery query = new InstanceQuery(null, null, null, null, null, 250);
        NameCursor after = null;
        int added = 0;
        do {
            NamePage<Instance> page = catalog.instances().page(query.after(after));
            for (Instance i : page.items()) {
                assertTrue(seen.add(i.id()), "instance " + i.id() + " on two pages");
                assertEquals(i.id().startsWith("x-") ? 1 : 0, i.disks().size(), "a page's instances come with their disks");
            }
            after = page.next();
            if (after != null) {
                Instance fresh = new Instance("new-" + added, "h1", (added % 2 == 0 ? "aaa-" : "zzz-") + added,
                        "running", List.of(), T0, false);
                catalog.sql().transaction(s -> {
                    SqlInstances.write(s, "h1", fresh);
                    return null;
                });
                added++;
            }
        } while (after != null);
        all.forEach(i -> assertTrue(seen.contains(i.id()), "instance " + i.id() + " missed by the walk"));
        List<Long> sorted = pageMillis.stream().sorted().toList();
        System.out.printf("%d instances: page read p50 %d ms, max %d ms (%s)%n", all.size(), sorted.get(sorted.size() / 2),
                sorted.getLast(), catalog.dialect());
    }

    private void checkInstances(List<Instance> all, InstanceQuery query, Predicate<Instance> expected, List<Long> millis) {
        Set<String> want = new HashSet<>(all.stream().filter(expected).map(Instance::id).toList());
        List<String> got = new ArrayList<>();
        Instance previous = null;
        NameCursor after = null;
        do {
            long started = System.nanoTime();
            NamePage<Instance> page = catalog.instances().page(query.after(after));
            millis.add((System.nanoTime() - started) / 1_000_000);
            assertTrue(page.items().size() <= query.limit());
            for (Instance i : page.items()) {
                got.add(i.id());
                if (previous != null) { // the database's own order of names (its collation), then the id
                    assertTrue(previous.name().equals(i.name()) ? previous.id().compareTo(i.id()) < 0
                            : !previous.name().equals(i.name()), "by name then id: " + previous.id() + " then " + i.id());
                }
                previous = i;
            }
            after = page.next();
        } while (after != null);
        assertEquals(want.size(), got.size(), "each instance of " + query + " once: " + got);
        assertEquals(want, new HashSet<>(got), "the instances of " + query);
    }

    @Test
    void plansPoliciesTokensGroupsAndProtectionsPageByNameWithTheirFilters() {
        List<StoredPolicy> policies = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            policies.add(catalog.policies().create(PlanCatalogContract.hourly(String.format("pol-%03d", i)), i % 3 == 0 ? "eu" : "local"));
        }
        List<Protection> protections = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            protections.add(new Protection("u-" + i, true, List.of(), i % 2 == 0 ? "default" : "cold", T0,
                    i % 2 == 0 ? PointRecord.LOCAL_REGION : "eu"));
        }
        catalog.protections().protect(protections);
        for (int i = 0; i < 100; i++) {
            catalog.plans().create("plan-id-" + i, String.format("plan-%03d", i), "u-" + i, policies.get(i % 5).id(), T0);
        }
        for (int i = 0; i < 120; i++) {
            catalog.tokens().create("tok-" + (i % 40), List.of("admin", "operator", "viewer").get(i % 3)); // names shared
        }
        for (int i = 0; i < 60; i++) {
            catalog.groups().create(String.format("grp-%02d", i), i < 30 ? "h1" : "h2", List.of("u-" + (i < 30 ? i : 20 + i)));
        }

        assertEquals(130, walk(c -> catalog.policies().page(null, c, 17), StoredPolicy::id).size());
        assertEquals(44, walk(c -> catalog.policies().page("eu", c, 10), StoredPolicy::id).size());
        assertEquals(100, walk(c -> catalog.plans().page(new PlanQuery(null, null, null, c, 9)), Plan::id).size());
        assertEquals(20, walk(c -> catalog.plans().page(new PlanQuery(null, policies.get(3).id(), Plan.State.active, c, 6)),
                Plan::id).size());
        assertEquals(List.of("plan-id-7"), walk(c -> catalog.plans().page(new PlanQuery(List.of("u-7"), null, null, c, 1)), Plan::id));
        assertEquals(0, walk(c -> catalog.plans().page(new PlanQuery(null, null, Plan.State.suspended, c, 5)), Plan::id).size());
        assertEquals(120, walk(c -> catalog.tokens().page(null, c, 11), Token::id).size());
        assertEquals(40, walk(c -> catalog.tokens().page("viewer", c, 7), Token::id).size());
        assertEquals(60, walk(c -> catalog.groups().page(null, c, 8), InstanceGroup::id).size());
        List<InstanceGroup> h2 = new ArrayList<>();
        NameCursor after = null;
        do {
            NamePage<InstanceGroup> page = catalog.groups().page("h2", after, 7);
            h2.addAll(page.items());
            after = page.next();
        } while (after != null);
        assertEquals(30, h2.size());
        assertTrue(h2.stream().allMatch(g -> g.hostId().equals("h2") && g.instanceIds().size() == 1), "with their members");
        assertEquals(100, walk(c -> catalog.protections().page(null, c, 13), Protection::instanceId).size());
        List<String> eu = walk(c -> catalog.protections().page("eu", c, 13), Protection::instanceId);
        assertEquals(50, eu.size());
        assertTrue(eu.stream().allMatch(id -> Integer.parseInt(id.substring(2)) % 2 == 1), "the region's: " + eu);
        assertEquals(0, walk(c -> catalog.protections().page("mars", c, 13), Protection::instanceId).size());
    }

    /** The ids of every page of a name-ordered list, each at most once (a repeat fails). */
    private static <T> List<String> walk(java.util.function.Function<NameCursor, NamePage<T>> read,
                                         java.util.function.Function<T, String> id) {
        List<String> ids = new ArrayList<>();
        NameCursor after = null;
        do {
            NamePage<T> page = read.apply(after);
            for (T row : page.items()) {
                assertTrue(!ids.contains(id.apply(row)), "on two pages: " + id.apply(row));
                ids.add(id.apply(row));
            }
            after = page.next();
        } while (after != null);
        return ids;
    }

    @Test
    void capacityTotalsAreSummedInTheCatalogPerVaultInstanceDiskAndDay() {
        List<PointRecord> all = new ArrayList<>();
        for (int day = 0; day < 5; day++) { // each batch starts two minutes before midnight and ends after it
            all.addAll(insert(day * 400, 400, T0.plus(Duration.ofDays(day)).plus(Duration.ofMinutes(23 * 60 + 58))));
        }
        PointRecord other = new PointRecord("p-other", "cold", "u-1", "vm-1", T0.plus(Duration.ofDays(2)),
                "available", "CRASH", 7L << 30, 5L << 20, null, null, List.of(new PointRecord.PointDisk("vda", 3L << 30,
                2L << 20), new PointRecord.PointDisk("vdb", 4L << 30, 3L << 20)), null, PointRecord.LOCAL_REGION);
        catalog.points().upsert(other); // a second vault, two disks
        all.add(other);
        long started = System.nanoTime();
        PointTotals totals = catalog.points().totals();
        System.out.printf("totals of %d points in %d ms (%s)%n", all.size(), (System.nanoTime() - started) / 1_000_000,
                catalog.dialect());

        assertEquals(expected(all, PointRecord::vault, p -> null), totals.vaults());
        assertEquals(expected(all, PointRecord::instanceId, p -> "vm-" + p.instanceId().substring(2)), totals.instances());
        List<PointTotals.Sum> disks = new ArrayList<>();
        all.stream().flatMap(p -> p.disks().stream().map(d -> new PointTotals.Sum(p.instanceId(), d.target(), 1,
                        d.logicalBytes(), d.storedBytes())))
                .collect(java.util.stream.Collectors.groupingBy(d -> d.key() + "/" + d.detail(), java.util.TreeMap::new,
                        java.util.stream.Collectors.toList()))
                .forEach((k, v) -> disks.add(new PointTotals.Sum(v.getFirst().key(), v.getFirst().detail(), v.size(),
                        v.stream().mapToLong(PointTotals.Sum::logicalBytes).sum(), v.stream().mapToLong(PointTotals.Sum::storedBytes).sum())));
        disks.sort(Comparator.comparing(PointTotals.Sum::key).thenComparing(PointTotals.Sum::detail));
        assertEquals(disks, totals.disks());
        List<PointTotals.Day> days = new ArrayList<>();
        all.stream().collect(java.util.stream.Collectors.groupingBy(p -> java.time.LocalDate.ofInstant(p.createdAt(),
                        java.time.ZoneOffset.UTC), java.util.TreeMap::new, java.util.stream.Collectors.toList()))
                .forEach((day, v) -> days.add(new PointTotals.Day(day, v.size(), v.stream().mapToLong(PointRecord::logicalBytes).sum(),
                        v.stream().mapToLong(PointRecord::storedBytes).sum())));
        assertTrue(days.size() >= 6, "the points span more than five days: " + days.size());
        assertEquals(days, totals.days());
    }

    /** The sums of {@code all} grouped by {@code key}, in key order (what the catalog's GROUP BY must give). */
    private static List<PointTotals.Sum> expected(List<PointRecord> all, java.util.function.Function<PointRecord, String> key,
                                                  java.util.function.Function<PointRecord, String> detail) {
        List<PointTotals.Sum> sums = new ArrayList<>();
        all.stream().collect(java.util.stream.Collectors.groupingBy(key, java.util.TreeMap::new, java.util.stream.Collectors.toList()))
                .forEach((k, v) -> sums.add(new PointTotals.Sum(k, detail.apply(v.getFirst()), v.size(),
                        v.stream().mapToLong(PointRecord::logicalBytes).sum(), v.stream().mapToLong(PointRecord::storedBytes).sum())));
        return sums;
    }

    @Test
    void jobsPageNewestFirstFilteredByStateTargetHostAndTime() {
        List<Job> submitted = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            String instance = "u-" + (i % 100);
            submitted.add(catalog.jobs().submit(new BackupInstance(instance, null, null, null, null, false, null, null, null),
                    i % 100 < 50 ? "h1" : "h2"));
        }
        catalog.jobs().cancel(submitted.get(3).id());
        List<Job> all = catalog.jobs().list(Jobs.Filter.ALL);
        checkJobs(all, new Jobs.Filter(null, null, null, null, null, null, null, 25), j -> true);
        checkJobs(all, new Jobs.Filter(JobState.cancelled, null, null, null, null, null, null, 10), j -> j.state() == JobState.cancelled);
        checkJobs(all, new Jobs.Filter(null, null, "u-3", null, null, null, null, 1), j -> j.target().equals("u-3"));
        checkJobs(all, new Jobs.Filter(JobState.queued, null, null, "h2", null, null, null, 30),
                j -> j.hostId().equals("h2") && j.state() == JobState.queued);
        Instant middle = submitted.get(115).createdAt();
        checkJobs(all, new Jobs.Filter(null, null, null, null, middle, null, null, 40), j -> !j.createdAt().isBefore(middle));
        checkJobs(all, new Jobs.Filter(null, null, null, null, null, middle, null, 40), j -> j.createdAt().isBefore(middle));
        assertNull(catalog.jobs().page(new Jobs.Filter(null, null, null, null, null, null, null, 1000)).next(),
                "one page holds them all: no next cursor");
    }

    private void checkJobs(List<Job> all, Jobs.Filter filter, Predicate<Job> expected) {
        List<String> want = all.stream().filter(expected).map(Job::id).toList();
        List<String> got = new ArrayList<>();
        PageCursor after = null;
        do {
            Page<Job> page = catalog.jobs().page(new Jobs.Filter(filter.state(), filter.type(), filter.target(),
                    filter.hostId(), filter.from(), filter.to(), after, filter.limit()));
            page.items().forEach(j -> got.add(j.id()));
            after = page.next();
        } while (after != null);
        assertEquals(want, got, "the jobs of " + filter);
    }
}
