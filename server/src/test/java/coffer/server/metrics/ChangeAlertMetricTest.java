package coffer.server.metrics;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code coffer_change_alerts_unacknowledged} on {@code /metrics}, on SQLite and PostgreSQL: each instance's
 * unacknowledged alerts counted by kind and labelled with its name, read in the same number of catalog statements
 * whatever the number of instances with alerts (3 or 30; {@link Catalog#statementsRun()}). Before, each alert read its
 * instance's name on its own.
 */
class ChangeAlertMetricTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theAlertsOfManyInstancesAreScrapedInTheSameStatementsAsOfFew(String kind) throws Exception {
        try (TestDatabase database = TestServer.database(kind, dir); Catalog catalog = Catalog.open(database.config())) {
            PrometheusRegistry registry = new PrometheusRegistry();
            new AssuranceMetrics(catalog, Set.of(), List::of).register(registry);

            alerts(catalog, "few", 3);
            long before = catalog.statementsRun();
            assertEquals(expected("few", 3), scrape(registry));
            long few = catalog.statementsRun() - before;

            alerts(catalog, "many", 30);
            before = catalog.statementsRun();
            Map<String, Double> both = expected("few", 3);
            both.putAll(expected("many", 30));
            assertEquals(both, scrape(registry));
            assertEquals(few, catalog.statementsRun() - before, "statements of a scrape with 33 instances' alerts, as with 3");
            System.out.printf("%s: a scrape in %d statements%n", kind, few);
        }
    }

    /** On host {@code host}: {@code n} instances, instance i with i % 3 + 1 change-rate alerts and one entropy alert. */
    private static void alerts(Catalog catalog, String host, int n) {
        catalog.hosts().ensure(host, "qemu+ssh://" + host + ".invalid/system");
        catalog.instances().refresh(host, IntStream.range(0, n).mapToObj(i -> new Instance("u-" + host + "-" + i, host,
                host + "-vm-" + i, "running", List.of(), T0, false)).toList());
        for (int i = 0; i < n; i++) {
            for (int a = 0; a <= i % 3 + 1; a++) {
                catalog.changeAlerts().raise(new ChangeAlert("a-" + host + "-" + i + "-" + a, "u-" + host + "-" + i,
                        "pt-" + i, T0, a == 0 ? ChangeAlert.Kind.ENTROPY : ChangeAlert.Kind.CHANGE_RATE, 10, 1,
                        T0.plusSeconds(a), null, null, null, null));
            }
        }
    }

    /** The gauge's values by "name/id/kind", as {@link #alerts} raised them. */
    private static Map<String, Double> expected(String host, int n) {
        Map<String, Double> values = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            values.put(host + "-vm-" + i + "/u-" + host + "-" + i + "/ENTROPY", 1.0);
            values.put(host + "-vm-" + i + "/u-" + host + "-" + i + "/CHANGE_RATE", (double) (i % 3 + 1));
        }
        return values;
    }

    private static Map<String, Double> scrape(PrometheusRegistry registry) {
        Map<String, Double> values = new TreeMap<>();
        registry.scrape().stream().filter(m -> m.getMetadata().getName().equals("coffer_change_alerts_unacknowledged"))
                .flatMap(m -> ((GaugeSnapshot) m).getDataPoints().stream())
                .forEach(d -> values.put(d.getLabels().get("instance_name") + "/" + d.getLabels().get("instance_id") + "/"
                        + d.getLabels().get("kind"), d.getValue()));
        return values;
    }
}
