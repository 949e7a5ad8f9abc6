package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Protection;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.catalog.TestDatabase;
import coffer.engine.job.Job;
import coffer.engine.job.JobHandler;
import coffer.engine.job.JobRunner;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.Jobs;
import coffer.engine.operation.BackupInstance;
import coffer.engine.policy.ArchiveRule;
import coffer.engine.policy.Interval;
import coffer.engine.policy.Policy;
import coffer.engine.policy.ReplicationRule;
import coffer.engine.policy.Retention;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.policy.Schedule;
import coffer.engine.policy.Stagger;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduler at scale on the real PostgreSQL catalog (docs/performance.md, "Scheduler"): many protected instances
 * on many hosts whose plans share one slot (one daily policy, no stagger), several servers (each its own catalog
 * pool, {@link LeadingScheduler} and {@link JobRunner}) and a <b>fake</b> worker: its handler only sleeps
 * {@code jobMillis} and marks the job done (no libvirt, no vault), so what is measured is the scheduler, the
 * claims and the catalog. Checked: every plan's run queued once over all servers, the per-host cap never exceeded
 * (from the rows' start and end times), every job done. Printed: queueing time, slot-to-start lag and its part
 * beyond what the caps impose, claim throughput, catalog transactions per run, peak memory.
 *
 * <p>Small in CI (500 instances on 50 hosts); {@code scripts/bench-scheduler} runs it at 10,000 on 1,000 hosts.
 * Wall-clock time on a shared machine: the figures are indicative.
 */
class SchedulerScaleOnPostgresTest {
    final int instances = Integer.getInteger("coffer.scale.instances", 500);
    final int hosts = Integer.getInteger("coffer.scale.hosts", 50);
    final int servers = Integer.getInteger("coffer.scale.servers", 3);
    final int workers = Integer.getInteger("coffer.scale.workers", 8);
    final int perHost = Integer.getInteger("coffer.scale.perHost", 2);
    final long jobMillis = Long.getLong("coffer.scale.jobMillis", 20);
    /** {@link JobRunner.Settings#claimWithEnd}: worker threads claim their next job with their job's end. */
    final boolean claimWithEnd = Boolean.getBoolean("coffer.scale.claimWithEnd");

    /** The fake worker: it runs no backup, it waits {@code jobMillis} (a job's length) and marks the job done. */
    record FakeBackupResult(String fake) {
    }

    JobHandler<BackupInstance, FakeBackupResult> fakeBackup() {
        return (operation, job, context) -> {
            AtomicInteger onHost = handlersRunning.computeIfAbsent(job.hostId(),
                    h -> new AtomicInteger());
            int now = onHost.incrementAndGet();
            mostHandlersAtOnce.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(jobMillis);
            } finally {
                onHost.decrementAndGet();
            }
            return new FakeBackupResult("fake worker: no backup was run");
        };
    }

    /**
     * The handlers running per host, counted as they run: every server runs in this JVM, so this is the cap's true
     * measure (a handler starts after its claim committed and ends before its end is written). The catalog's time
     * stamps cannot tell it: a run's start is its claiming server's clock read before a claim that may wait under
     * load, its end is the handler's end.
     */
    final Map<String, AtomicInteger> handlersRunning =
            new ConcurrentHashMap<>();
    final AtomicInteger mostHandlersAtOnce = new AtomicInteger();

    /** A tick that queued runs: when it began and ended (wall clock), how many it queued. */
    record TickTime(Instant began, Instant ended, int queued) {
    }

    final List<TickTime> ticks = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Test
    void instancesSharingOneSlotAreQueuedOnceAndRunWithinTheirHostsCaps() throws Exception {
        try (TestDatabase database = TestDatabase.postgres()) {
            List<Catalog> catalogs = new ArrayList<>();
            List<LeadingScheduler> schedulers = new ArrayList<>();
            List<JobRunner> runners = new ArrayList<>();
            ScheduledExecutorService pollers = Executors.newScheduledThreadPool(servers);
            long setupStart = System.nanoTime();
            Instant slot = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
            try (Catalog setup = Catalog.open(database.config())) {
                setUp(setup, slot);
            }
            double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
            // the servers' clock: wall-clock time moved so that the slot comes 1.5 s after they start, however long
            // the set-up took (every time stamp of the run is on this clock)
            Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now().plusMillis(1500), slot));
            long xactBefore = transactions(database);
            List<Job> done;
            long statements = 0;
            long cpuBefore = processCpuNanos();
            Map<String, Long> threadCpuBefore = cpuByThreadKind();
            long compileBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            long gcBefore = gcMillis();
            long jvmCpu;
            Map<String, Long> threadCpu;
            long databaseCpu;
            try {
                for (int i = 0; i < servers; i++) {
                    Catalog catalog = Catalog.open(database.config(), clock);
                    catalogs.add(catalog);
                    LeadingScheduler scheduler = new LeadingScheduler(new PlanScheduler(catalog, clock, Stagger.NONE),
                            catalog.leadership("scheduler"), Duration.ofSeconds(30));
                    schedulers.add(scheduler);
                    // as a server polls (ServerPlans): every second, and at the moment the next run comes
                    scheduler.pollOn(pollers, Duration.ZERO, Duration.ofSeconds(1), tick -> tick
                            .filter(t -> !t.queued().isEmpty())
                            .ifPresent(t -> ticks.add(new TickTime(t.began(), clock.instant(), t.queued().size()))));
                    JobRunner runner = new JobRunner(catalog, JobRunner.newWorkerId(), Map.of(JobType.backup, fakeBackup()),
                            JobRunner.Settings.defaults().withPerHostLimit(perHost).withWorkerThreads(workers).withClock(clock)
                                    .withClaimWithEnd(claimWithEnd));
                    runner.start();
                    runners.add(runner);
                }
                Catalog catalog = catalogs.getFirst();
                long deadline = System.nanoTime() + Duration.ofMinutes(Long.getLong("coffer.scale.minutes", 5)).toNanos();
                // watched on a connection of its own (a count, not the rows), so the servers' statements are theirs alone
                try (Connection watch = DriverManager.getConnection(database.config().jdbcUrl())) {
                    while (succeeded(watch) < instances) {
                        assertTrue(System.nanoTime() < deadline, "every run done in time");
                        Thread.sleep(500);
                    }
                }
                statements = catalogs.stream().mapToLong(Catalog::statementsRun).sum();
                jvmCpu = processCpuNanos() - cpuBefore;
                threadCpu = cpuByThreadKind();
                threadCpu.put("(JIT compiler, ms of its threads)", (ManagementFactory.getCompilationMXBean()
                        .getTotalCompilationTime() - compileBefore) * 1_000_000);
                threadCpu.put("(GC, ms of collection)", (gcMillis() - gcBefore) * 1_000_000);
                threadCpuBefore.forEach((kind, nanos) -> threadCpu.merge(kind, -nanos, Long::sum));
                databaseCpu = backendCpuNanos(database);
                assertEquals(1, schedulers.stream().filter(LeadingScheduler::leading).count(), "one server schedules");
                done = catalog.jobs().list(Jobs.Filter.ALL);
            } finally {
                pollers.shutdownNow();
                pollers.awaitTermination(10, TimeUnit.SECONDS);
                runners.forEach(JobRunner::close);
                schedulers.forEach(LeadingScheduler::close);
                catalogs.forEach(Catalog::close);
            }
            report(done, slot, setupSeconds, transactions(database) - xactBefore, statements);
            System.out.printf("scheduler scale: CPU per run: this JVM %.2f ms (the servers, their runners and the test,"
                            + " from the servers' start until every run was done), the database's sessions %.2f ms%n",
                    jvmCpu / 1e6 / instances, databaseCpu / 1e6 / instances);
            System.out.printf("scheduler scale: JVM CPU per run by thread: %s%n", threadCpu.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .map(e -> String.format("%s %.3f ms", e.getKey(), e.getValue() / 1e6 / instances))
                    .collect(java.util.stream.Collectors.joining(", ")));
        }
    }

    private static long succeeded(Connection watch) throws Exception {
        try (Statement s = watch.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM jobs WHERE state = 'succeeded'")) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    /** Hosts, instances, protections, one daily policy and a plan per instance whose next run is {@code slot}. */
    private void setUp(Catalog catalog, Instant slot) {
        List<Instance> all = new ArrayList<>();
        for (int h = 0; h < hosts; h++) {
            String host = "host-" + h;
            catalog.hosts().ensure(host, "qemu+ssh://" + host + ".invalid/system");
            List<Instance> onHost = IntStream.iterate(h, i -> i < instances, i -> i + hosts)
                    .mapToObj(i -> new Instance("u-" + i, host, "vm-" + i, "running", List.of(), Instant.now(), false)).toList();
            catalog.instances().refresh(host, onHost);
            all.addAll(onHost);
        }
        catalog.protections().protect(all.stream().map(i -> new Protection(i.id(), true, List.of(), "default", Instant.now()))
                .toList());
        StoredPolicy daily = catalog.policies().create(new Policy("daily-at-once", Schedule.of(slot, Interval.days(1)),
                Retention.keepFor(RetentionPeriod.days(7)), false, ReplicationRule.OFF, ArchiveRule.OFF));
        for (Instance instance : all) {
            String plan = "plan-" + instance.name();
            catalog.plans().create(plan, plan, instance.id(), daily.id(), slot);
        }
    }

    private void report(List<Job> jobs, Instant slot, double setupSeconds, long transactions, long statements)
            throws Exception {
        assertEquals(instances, jobs.size(), "one run per plan, over " + servers + " servers");
        assertEquals(instances, jobs.stream().map(j -> j.params().path("plan").path("id").asText()).distinct().count(),
                "no plan run twice");
        assertTrue(jobs.stream().allMatch(j -> j.state() == JobState.succeeded), "every run done");

        assertEquals(instances, ticks.stream().mapToInt(TickTime::queued).sum(), "ticks " + ticks);
        assertEquals(1, ticks.size(), "one tick queued every run: its server kept the lead through it " + ticks);
        TickTime tick = ticks.getFirst();
        List<Long> lag = sorted(jobs.stream().map(j -> millis(slot, j.startedAt())).toList());
        Map<String, List<Job>> byHost = new HashMap<>();
        jobs.forEach(j -> byHost.computeIfAbsent(j.hostId(), k -> new ArrayList<>()).add(j));
        // what the capacity alone imposes on a job: the caps start a host's rank-th job (rank / cap) job lengths
        // late, and all servers' worker threads the n-th job overall (n / threads) job lengths late
        Map<String, Long> imposed = new HashMap<>();
        List<Job> byStart = jobs.stream().sorted(Comparator.comparing(Job::startedAt).thenComparing(Job::id)).toList();
        for (int n = 0; n < byStart.size(); n++) {
            imposed.put(byStart.get(n).id(), (n / ((long) servers * workers)) * jobMillis);
        }
        List<Long> overhead = new ArrayList<>();
        int maxRunning = 0;
        for (List<Job> onHost : byHost.values()) {
            onHost.sort(Comparator.comparing(Job::startedAt).thenComparing(Job::id));
            for (int rank = 0; rank < onHost.size(); rank++) {
                Job job = onHost.get(rank);
                overhead.add(millis(slot, job.startedAt()) - Math.max((rank / perHost) * jobMillis, imposed.get(job.id())));
            }
            maxRunning = Math.max(maxRunning, maxConcurrent(onHost));
        }
        overhead = sorted(overhead);
        assertTrue(mostHandlersAtOnce.get() <= perHost,
                "a host ran " + mostHandlersAtOnce.get() + " jobs at once (cap " + perHost + ")");
        System.out.printf("scheduler scale: most runs of one host at once: %d as the handlers ran, %d by the catalog's"
                + " time stamps (a claim's start is read before it waits)%n", mostHandlersAtOnce.get(), maxRunning);
        Instant firstStart = jobs.stream().map(Job::startedAt).min(Comparator.naturalOrder()).orElseThrow();
        Instant lastStart = jobs.stream().map(Job::startedAt).max(Comparator.naturalOrder()).orElseThrow();
        double claimSeconds = Math.max(0.001, Duration.between(firstStart, lastStart).toMillis() / 1000.0);
        System.out.printf("scheduler scale: %d instances on %d hosts, %d servers x %d fake workers, cap %d per host,"
                        + " fake job %d ms; %s; set-up %.1f s%n", instances, hosts, servers, workers, perHost, jobMillis,
                claimWithEnd ? "worker threads claim with their job's end" : "the runners' loops claim", setupSeconds);
        System.out.printf("scheduler scale: queueing: the tick began %d ms after the slot and queued %d runs in %d ms"
                        + " (%.1f ms a run; %d tick(s))%n", millis(slot, tick.began()), tick.queued(),
                millis(tick.began(), tick.ended()), (double) millis(tick.began(), tick.ended()) / tick.queued(), ticks.size());
        System.out.printf("scheduler scale: the first run started %d ms after the slot, the %dth (every worker thread"
                        + " busy) %d ms after it%n", lag.getFirst(), Math.min(lag.size(), servers * workers),
                lag.get(Math.min(lag.size(), servers * workers) - 1));
        System.out.printf("scheduler scale: slot to start p50 %d ms, p99 %d ms, max %d ms; beyond the wait the caps and"
                + " worker threads impose"
                + " p50 %d ms, p99 %d ms%n", pct(lag, 50), pct(lag, 99), lag.getLast(), pct(overhead, 50), pct(overhead, 99));
        System.out.printf("scheduler scale: claims %.0f jobs/s (%d starts in %.1f s); most running on one host %d;"
                        + " catalog transactions per run %.1f%n", instances / claimSeconds, instances, claimSeconds,
                maxRunning, (double) transactions / instances);
        System.out.printf("scheduler scale: catalog statements per run %.1f (%d by the %d servers from their start until"
                + " every run was done)%n", (double) statements / instances,
                statements, servers);
        System.out.printf("scheduler scale: peak heap %d MiB, peak RSS %d MiB (this JVM: %d servers and the test)%n",
                peakHeapBytes() >> 20, peakRssKib() >> 10, servers);
    }

    /** The most jobs of one host running at the same millisecond (a job ends before one starting then). */
    static int maxConcurrent(List<Job> onHost) {
        List<long[]> events = new ArrayList<>();
        for (Job j : onHost) {
            events.add(new long[]{j.startedAt().toEpochMilli(), 1});
            events.add(new long[]{j.finishedAt().toEpochMilli(), -1});
        }
        events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        int running = 0;
        int most = 0;
        for (long[] e : events) {
            running += (int) e[1];
            most = Math.max(most, running);
        }
        return most;
    }

    private static long millis(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }

    private static List<Long> sorted(List<Long> values) {
        return values.stream().sorted().toList();
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /**
     * Committed transactions of the test's database so far (each auto-commit statement is one), read once the
     * sessions that made them have ended (a session's counts reach the statistics when it ends, or within seconds).
     */
    private static long transactions(TestDatabase database) throws Exception {
        Thread.sleep(1500);
        try (Connection c = DriverManager.getConnection(database.config().jdbcUrl()); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
            return r.next() ? r.getLong(1) : -1;
        }
    }

    /**
     * CPU time of this JVM's live threads by kind (their names without numbers: the runners' loops
     * {@code coffer-job-runner}, their worker threads {@code coffer-job-N}, the schedulers' pollers, which tick,
     * {@code pool-N-thread-N}), so that the JVM's CPU per run shows where it goes.
     */
    private static Map<String, Long> cpuByThreadKind() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> byKind = new HashMap<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            long nanos = info == null ? -1 : threads.getThreadCpuTime(info.getThreadId());
            if (nanos > 0) {
                byKind.merge(info.getThreadName().replaceAll("\\d+", "N"), nanos, Long::sum);
            }
        }
        return byKind;
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * CPU time the sessions of the test's database (the servers' pools; PostgreSQL runs on this machine) have spent
     * since they began: user and system time of their processes ({@code /proc/PID/stat}, clock ticks of 10 ms).
     */
    private static long backendCpuNanos(TestDatabase database) throws Exception {
        long ticks = 0;
        try (Connection c = DriverManager.getConnection(database.config().jdbcUrl()); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                     + " AND pid <> pg_backend_pid()")) {
            while (r.next()) {
                Path stat = Path.of("/proc", Integer.toString(r.getInt(1)), "stat");
                if (Files.isReadable(stat)) {
                    String text = Files.readString(stat);
                    String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
                }
            }
        }
        return ticks * 10_000_000L;
    }

    private static long peakHeapBytes() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    private static long peakRssKib() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1);
    }
}
