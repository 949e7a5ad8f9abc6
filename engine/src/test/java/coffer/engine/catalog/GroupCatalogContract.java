package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link Groups} must do (V3 schema), run on SQLite and PostgreSQL. */
abstract class GroupCatalogContract extends CatalogFixture {
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @BeforeEach
    void instances() {
        webAndDb(T0);
    }

    @Test
    void aGroupKeepsItsMembersInOrderAndItsNameIsUnique() {
        InstanceGroup group = catalog.groups().create("shop", "local", List.of("u-web", "u-db"));
        assertEquals(List.of("u-web", "u-db"), catalog.groups().resolve("shop").orElseThrow().instanceIds());
        assertEquals(group, catalog.groups().resolve(group.id()).orElseThrow());
        CofferException taken = assertThrows(CofferException.class,
                () -> catalog.groups().create("shop", "local", List.of("u-db")));
        assertEquals(ErrorCode.NameTaken, taken.code());
        catalog.groups().create("also-db", "local", List.of("u-db"));
        assertEquals(List.of("also-db", "shop"), catalog.groups().list().stream().map(InstanceGroup::name).toList());
        assertTrue(catalog.groups().delete(group.id()));
        assertFalse(catalog.groups().delete(group.id()));
        assertTrue(catalog.groups().resolve("shop").isEmpty());
    }

    @Test
    void groupPointsPageOldestFirstThroughTheirCursorPerGroupOrAll() {
        InstanceGroup shop = catalog.groups().create("shop", "local", List.of("u-web", "u-db"));
        InstanceGroup web = catalog.groups().create("web", "local", List.of("u-web"));
        List<GroupPointRecord> all = new java.util.ArrayList<>();
        for (int i = 0; i < 25; i++) { // two at each instant: the id breaks the tie
            InstanceGroup group = i % 5 == 0 ? web : shop;
            GroupPointRecord p = new GroupPointRecord(String.format("gp-%02d", 24 - i), group.id(), group.name(), "v",
                    T0.plusSeconds(i / 2 * 60L), "crash", 1, null, null, group.instanceIds(),
                    group.instanceIds().stream().map(m -> m + "-p" + 0).toList());
            catalog.groups().recordPoint(p);
            all.add(p);
        }
        java.util.Comparator<GroupPointRecord> oldestFirst = java.util.Comparator.comparing(GroupPointRecord::instant)
                .thenComparing(GroupPointRecord::id);
        assertEquals(all.stream().sorted(oldestFirst).toList(), walk(null, 4));
        assertEquals(all.stream().filter(p -> p.groupId().equals(shop.id())).sorted(oldestFirst).toList(), walk(shop.id(), 3));
        assertEquals(catalog.groups().points(web.id()), walk(web.id(), 1000));
    }

    private List<GroupPointRecord> walk(String groupId, int limit) {
        List<GroupPointRecord> got = new java.util.ArrayList<>();
        PageCursor after = null;
        do {
            Page<GroupPointRecord> page = catalog.groups().pointPage(groupId, after, limit);
            assertTrue(page.items().size() <= limit);
            got.addAll(page.items());
            after = page.next();
        } while (after != null);
        return got;
    }

    @Test
    void groupPointsReadBackWithTheirMembersAndOutliveTheirGroup() {
        InstanceGroup group = catalog.groups().create("shop", "local", List.of("u-web", "u-db"));
        GroupPointRecord crash = new GroupPointRecord("gp-1", group.id(), "shop", "v", T0, "crash", 7, null, "job-1",
                List.of("u-web", "u-db"), List.of("p-web-1", "p-db-1"));
        GroupPointRecord app = new GroupPointRecord("gp-2", group.id(), "shop", "v", T0.plusSeconds(60), "application", 9,
                350L, null, List.of("u-web", "u-db"), List.of("p-web-2", "p-db-2"));
        catalog.groups().recordPoint(app);
        catalog.groups().recordPoint(crash);
        assertEquals(List.of(crash, app), catalog.groups().points(group.id()));
        assertEquals(app, catalog.groups().findPoint("gp-2").orElseThrow());
        catalog.groups().delete(group.id());
        assertEquals(crash, catalog.groups().findPoint("gp-1").orElseThrow());
    }
}
