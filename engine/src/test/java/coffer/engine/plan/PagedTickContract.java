package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogFixture;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Plan;
import coffer.engine.catalog.Protection;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.job.Job;
import coffer.engine.job.Jobs;
import coffer.engine.policy.Interval;
import coffer.engine.policy.Stagger;
import coffer.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tick that reads and queues the due plans a page at a time (docs/design/scheduler.md, "A tick at scale"): its first
 * runs are queued before the later plans are read, and paging keeps what the tick that read every plan first did: each
 * plan queued once per slot, also with three schedulers on one catalog, missed slots folded into one run, suspended and
 * released plans decided. Jobs are only queued here (no runner). On a real catalog: SQLite and PostgreSQL.
 */
abstract class PagedTickContract extends CatalogFixture {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    final MutableClock clock = new MutableClock(T0.minusSeconds(30));

    @Override
    protected Clock clock() {
        return clock;
    }

    /** {@code count} running instances on host {@code host}, protected to a vault named after each, with hourly plans. */
    List<Instance> protectedInstances(String host, int count, StoredPolicy policy, Instant firstRun) {
        catalog.hosts().ensure(host, "qemu+ssh://" + host + ".invalid/system");
        List<Instance> instances = IntStream.range(0, count).mapToObj(i -> new Instance(host + "-u-" + i, host,
                host + "-vm-" + i, "running", List.of(), T0, false)).toList();
        catalog.instances().refresh(host, instances);
        catalog.protections().protect(instances.stream().map(i -> new Protection(i.id(), true, List.of(),
                "vault-" + i.id(), T0)).toList());
        instances.forEach(i -> catalog.plans().create("plan-" + i.name(), "plan-" + i.name(), i.id(), policy.id(), firstRun));
        return instances;
    }

    StoredPolicy hourly() {
        return catalog.policies().create(PlanSchedulerContract.policy("hourly", Interval.hours(1)));
    }

    /** Every job queued so far, by the plan it runs for; fails on a plan queued twice. */
    Map<String, Job> runsByPlan(Catalog on) {
        return on.jobs().list(Jobs.Filter.ALL).stream().collect(Collectors.toMap(
                j -> j.params().path("plan").path("id").asText(), Function.identity()));
    }

    @Test
    void theFirstRunsAreQueuedBeforeTheLastPlansAreRead() {
        StoredPolicy hourly = hourly();
        protectedInstances("local", 3 * PlanScheduler.PAGE, hourly, T0);
        clock.set(T0.plusSeconds(1));
        PlanScheduler scheduler = new PlanScheduler(catalog, clock, Stagger.NONE);
        // when the tick's first runs are committed, a plan due at the same slot is added (its instance on a host of its
        // own, protected): a tick that reads its plans page by page after queueing reads it too; one that read every
        // plan, instance and protection before its first run could not
        List<Integer> queuedAtFirstChange = new ArrayList<>();
        try (var added = catalog.jobs().whenChanged(() -> {
            if (queuedAtFirstChange.isEmpty()) {
                queuedAtFirstChange.add(catalog.jobs().list(Jobs.Filter.ALL).size());
                protectedInstances("z-late", 1, hourly, T0); // after the first page's plans by (next run, id)
            }
        })) {
            PlanScheduler.Tick tick = scheduler.tick();
            assertEquals(PlanScheduler.FIRST_PAGE, queuedAtFirstChange.getFirst(),
                    "the first runs are queued after one small page of plans");
            assertEquals(3 * PlanScheduler.PAGE + 1, tick.queued().size(), "every plan's run, and the one added meanwhile");
        }
        Map<String, Job> runs = runsByPlan(catalog);
        assertEquals(3 * PlanScheduler.PAGE + 1, runs.size(), "one run a plan");
        Job late = runs.get("plan-z-late-vm-0");
        assertEquals("vault-z-late-u-0", late.params().path("vault").asText(), "with its protection, read with its page");
        assertEquals("z-late", late.hostId());
        assertEquals(0, scheduler.tick().queued().size(), "nothing due after the tick");
    }

    @Test
    void pagesKeepTheTicksDecisionsMissedSlotsAndOneRunAPlan() {
        StoredPolicy hourly = hourly();
        Instant slot = T0.plus(Duration.ofHours(3));
        // pages of several kinds and times: 3 slots missed (folded into one run), due at the slot, suspended, released,
        // stopped, not due; with their keys (next run, id) pages hold a mix
        protectedInstances("missed", 150, hourly, T0);
        protectedInstances("due", 300, hourly, slot);
        List<Instance> suspended = protectedInstances("held", 40, hourly, slot);
        suspended.forEach(i -> catalog.plans().setState("plan-" + i.name(), Plan.State.suspended, slot, null));
        protectedInstances("gone", 30, hourly, slot);
        catalog.instances().refresh("gone", List.of()); // the host's domains are gone: their plans stop at their run
        List<Instance> stopped = protectedInstances("stopped", 20, hourly, slot);
        stopped.forEach(i -> catalog.plans().setState("plan-" + i.name(), Plan.State.stopped, slot, null));
        protectedInstances("later", 50, hourly, slot.plus(Duration.ofHours(1)));
        clock.set(slot.plusSeconds(1));

        PlanScheduler.Tick tick = new PlanScheduler(catalog, clock, Stagger.NONE).tick();

        assertEquals(450, tick.queued().size(), "the missed and the due plans' runs");
        assertEquals(40, tick.suspendedSkipped());
        assertEquals(30, tick.stopped());
        Map<String, Job> runs = runsByPlan(catalog);
        assertEquals(450, runs.size(), "one run a plan");
        runs.forEach((plan, job) -> {
            assertEquals(slot.toString(), job.params().path("plan").path("slot").asText(), plan + ": the latest slot");
            assertEquals(plan.startsWith("plan-missed-") ? 3 : 0, job.params().path("plan").path("coalesced").asLong(),
                    plan + ": the missed slots folded into its run");
        });
        for (Plan plan : catalog.plans().list()) {
            boolean stops = plan.name().startsWith("plan-stopped-") || plan.name().startsWith("plan-gone-");
            Instant expected = stops ? slot : slot.plus(Duration.ofHours(1)); // a stopped plan keeps its next run
            assertEquals(expected, plan.nextRun(), plan.name() + "'s next run");
            if (plan.name().startsWith("plan-gone-")) {
                assertEquals(Plan.State.stopped, plan.state(), plan.name());
            }
        }
    }

    @Test
    void threeSchedulersTickingTheSameSlotQueueEachPlanOnce() throws Exception {
        StoredPolicy hourly = hourly();
        int plans = 4 * PlanScheduler.PAGE + 17;
        protectedInstances("local", plans, hourly, T0);
        clock.set(T0.plusSeconds(1));
        List<Catalog> servers = new ArrayList<>(List.of(catalog));
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            servers.add(Catalog.open(database.config(), clock));
            servers.add(Catalog.open(database.config(), clock));
            List<Callable<Integer>> ticks = servers.stream().map(c -> (Callable<Integer>) () ->
                    new PlanScheduler(c, clock, Stagger.NONE).tick().queued().size()).toList();
            int queued = 0;
            for (Future<Integer> tick : threads.invokeAll(ticks)) {
                queued += tick.get();
            }
            // a batch that lost a race for the database's lock (SQLite) is decided again at the next tick
            queued += new PlanScheduler(catalog, clock, Stagger.NONE).tick().queued().size();
            assertEquals(plans, queued, "the three ticks (and one after them) queued each plan's run once");
            assertEquals(plans, runsByPlan(catalog).size(), "one job a plan");
        } finally {
            threads.shutdownNow();
            for (Catalog server : servers.subList(1, servers.size())) {
                server.close();
            }
        }
    }
}
