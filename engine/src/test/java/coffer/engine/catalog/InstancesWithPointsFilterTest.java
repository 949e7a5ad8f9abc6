package coffer.engine.catalog;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The instance list's {@code withPoints} filter (docs/api.md, "Lists"; the drill form's suggestions, docs/console.md):
 * true only the instances with a point in the catalog, false only those without, null all; with the name filter and
 * the pages alike, on SQLite and PostgreSQL.
 */
class InstancesWithPointsFilterTest extends CatalogKindFixture {
    private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void onlyTheInstancesWithAPointOrOnlyThoseWithout(String kind) throws Exception {
        open(kind, Clock.systemUTC());
        catalog.hosts().ensure("wp", "qemu+ssh://wp.invalid/system");
        catalog.instances().refresh("wp", List.of(instance("u-wp-1", "web-1"), instance("u-wp-2", "web-2"),
                instance("u-wp-3", "web-3"), instance("u-wp-4", "db-1")));
        for (String id : List.of("u-wp-1", "u-wp-3", "u-wp-4")) {
            catalog.points().upsert(new PointRecord("pt-" + id, "default", id, id, T0, "available", "CRASH", 10, 1,
                    null, null, List.of(new PointRecord.PointDisk("vda", 10, 1)), null, PointRecord.LOCAL_REGION));
        }

        assertEquals(List.of("web-1", "web-3"), names(new InstanceQuery(null, null, null, null, null, 100, "web", true)));
        assertEquals(List.of("web-2"), names(new InstanceQuery(null, null, null, null, null, 100, "web", false)));
        assertEquals(List.of("db-1", "web-1", "web-2", "web-3"), names(new InstanceQuery(null, null, null, null, null,
                100, null, null)));
        NamePage<Instance> first = catalog.instances().page(new InstanceQuery(null, null, null, null, null, 2, null, true));
        assertEquals(List.of("db-1", "web-1"), first.items().stream().map(Instance::name).toList());
        assertEquals(List.of("web-3"), catalog.instances().page(new InstanceQuery(null, null, null, null, null, 2, null,
                true).after(first.next())).items().stream().map(Instance::name).toList(), "the next page keeps the filter");
    }

    private List<String> names(InstanceQuery query) {
        return catalog.instances().page(query).items().stream().map(Instance::name).sorted().toList();
    }

    private static Instance instance(String id, String name) {
        return new Instance(id, "wp", name, "running", List.of(), T0, false);
    }
}
