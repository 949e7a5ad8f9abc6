package coffer.engine.operation.hosted;

import coffer.engine.catalog.CatalogKindFixture;
import coffer.engine.catalog.DrillRun;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.NameCursor;
import coffer.engine.catalog.PageCursor;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.VerifyRun;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.DrillList;
import coffer.engine.operation.DrillResult;
import coffer.engine.operation.ListDrills;
import coffer.engine.operation.ListVerifyRuns;
import coffer.engine.operation.VerifyRunList;
import coffer.engine.operation.VerifyRunView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verify runs and the drills are listed a page at a time as the exports, mounts and alerts are (docs/api.md,
 * "Lists"), on SQLite and PostgreSQL: verify runs newest first (by finish, then id) with a {@link PageCursor}, drills
 * by instance in name order with a {@link NameCursor}; walking the pages meets every row once, in order, rows with the
 * same finish time included; a cursor the server did not give (or of the other kind) and a limit out of range are
 * {@code InvalidArgument} naming the field. Before, both lists were read whole (a limit per vault or per instance, no
 * cursor): a walk of pages of 40 stopped after the first page.
 */
class AssuranceListPagesTest extends CatalogKindFixture {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    HostedOperations operations;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void verifyRunsArePagedNewestFirst(String kind) throws Exception {
        open(kind, Clock.systemUTC());
        operations = LocalOperations.on(catalog, dir, Clock.systemUTC());
        List<VerifyRun> runs = new ArrayList<>();
        for (int i = 0; i < 105; i++) {
            // three runs share each finish time: the id orders them
            VerifyRun run = new VerifyRun(String.format("vr-%03d", i), i % 2 == 0 ? "default" : "other",
                    VerifyRun.Kind.FULL, 0, 1, T0.plusSeconds(i / 3 * 60L), T0.plusSeconds(i / 3 * 60L + 30), 1, 1, 1, 0,
                    List.of(), 0, null, null);
            catalog.verifyRuns().record(run);
            runs.add(run);
        }
        List<String> newestFirst = runs.stream().sorted(Comparator.comparing(VerifyRun::finishedAt)
                .thenComparing(VerifyRun::id).reversed()).map(VerifyRun::id).toList();

        List<VerifyRunList> pages = new ArrayList<>();
        for (VerifyRunList page = operations.call(new ListVerifyRuns(null, null, 40)); ;
             page = operations.call(new ListVerifyRuns(null, page.nextCursor(), 40))) {
            pages.add(page);
            if (page.nextCursor() == null) {
                break;
            }
        }
        assertEquals(List.of(40, 40, 25), pages.stream().map(VerifyRunList::count).toList());
        assertEquals(newestFirst, pages.stream().flatMap(p -> p.runs().stream()).map(VerifyRunView::id).toList());

        VerifyRunList ofDefault = operations.call(new ListVerifyRuns("default", null, null));
        assertEquals(newestFirst.stream().filter(id -> Integer.parseInt(id.substring(3)) % 2 == 0).toList(),
                ofDefault.runs().stream().map(VerifyRunView::id).toList());
        assertNull(ofDefault.nextCursor(), "53 runs: one page of the default 100");

        refused("cursor", () -> operations.call(new ListVerifyRuns(null, "not-a-cursor", null)));
        refused("cursor", () -> operations.call(new ListVerifyRuns(null, new NameCursor("a", "b").encode(), null)));
        refused("limit", () -> operations.call(new ListVerifyRuns(null, null, 0)));
        refused("limit", () -> operations.call(new ListVerifyRuns(null, null, 1001)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void drillsArePagedByInstanceName(String kind) throws Exception {
        open(kind, Clock.systemUTC());
        operations = LocalOperations.on(catalog, dir, Clock.systemUTC());
        catalog.hosts().ensure("paged", "qemu+ssh://paged.invalid/system");
        List<Instance> instances = new ArrayList<>();
        for (int i = 0; i < 105; i++) {
            // two instances of each name: the id orders them
            instances.add(new Instance(String.format("u-paged-%03d", i), "paged", String.format("vm-%02d", i / 2),
                    "running", List.of(), T0, false));
        }
        instances.add(new Instance("u-paged-none", "paged", "vm-00-no-points", "running", List.of(), T0, false));
        catalog.instances().refresh("paged", instances);
        for (Instance instance : instances.subList(0, 105)) {
            catalog.points().upsert(new PointRecord("pt-" + instance.id(), "default", instance.id(), instance.name(),
                    T0, "available", "CRASH", 10, 1, null, null, List.of(new PointRecord.PointDisk("vda", 10, 1)), null,
                    PointRecord.LOCAL_REGION));
            for (int d = 0; d < 3; d++) {
                catalog.drillRuns().record(new DrillRun("dr-" + instance.id() + "-" + d, instance.id(), "pt-" + instance.id(),
                        "default", T0.plusSeconds(d), T0.plusSeconds(d + 1), d == 0, d == 0 ? null : DrillRun.Phase.BOOT,
                        d == 0 ? null : "no agent", null, null, null, null, null, null));
            }
        }
        List<String> byName = instances.subList(0, 105).stream().sorted(Comparator.comparing(Instance::name)
                .thenComparing(Instance::id)).map(Instance::id).toList();

        List<DrillList> pages = new ArrayList<>();
        for (DrillList page = operations.call(new ListDrills(null, null, 40, 2)); ;
             page = operations.call(new ListDrills(null, page.nextCursor(), 40, 2))) {
            pages.add(page);
            if (page.nextCursor() == null) {
                break;
            }
        }
        assertEquals(List.of(40, 40, 25), pages.stream().map(DrillList::count).toList());
        List<DrillList.InstanceDrills> all = pages.stream().flatMap(p -> p.instances().stream()).toList();
        assertEquals(byName, all.stream().map(DrillList.InstanceDrills::instance).toList(),
                "every instance with points once, by name then id; none without points");
        for (DrillList.InstanceDrills drills : all) {
            assertEquals(List.of("dr-" + drills.instance() + "-2", "dr-" + drills.instance() + "-1"),
                    drills.drills().stream().map(DrillResult::id).toList(), "the 2 newest drills");
            assertEquals(T0.plusSeconds(1), drills.provenBootableAt(), "its older passed drill");
        }
        DrillList one = operations.call(new ListDrills("vm-52", null, null, null)); // the only one of its name
        assertEquals(List.of("u-paged-104"), one.instances().stream().map(DrillList.InstanceDrills::instance).toList());
        assertEquals(3, one.instances().getFirst().drills().size());
        assertNull(one.nextCursor());

        refused("cursor", () -> operations.call(new ListDrills(null, "not-a-cursor", null, null)));
        refused("cursor", () -> operations.call(new ListDrills(null, new PageCursor(T0, "x").encode(), null, null)));
        refused("limit", () -> operations.call(new ListDrills(null, null, 0, null)));
        refused("drills", () -> operations.call(new ListDrills(null, null, null, 1001)));
    }

    private static void refused(String field, Executable call) {
        CofferException e = assertThrows(CofferException.class, call);
        assertEquals(ErrorCode.InvalidArgument, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(field + ":") || e.getMessage().contains(field + " "), e.getMessage());
    }
}
