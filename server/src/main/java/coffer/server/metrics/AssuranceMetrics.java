package coffer.server.metrics;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.DrillRun;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.VerifyRun;
import coffer.engine.reclaim.ReclaimHistory;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The assurance metrics (docs/design/assurance.md, "Metrics and alerts"; docs/prometheus/coffer-alerts.yml), read from
 * the catalog at scrape time (verify runs, drill runs, change alerts) and from the server's reclaim loop. Instances are
 * labelled {@code instance_name} and {@code instance_id}: Prometheus gives the label {@code instance} to the scraped
 * target itself. Not thread-safe: {@link ServerMetrics} calls {@link #refresh} and scrapes under its lock.
 */
final class AssuranceMetrics {
    private final Catalog catalog;
    private final Set<String> vaults;
    private final Supplier<List<ReclaimHistory.VaultReclaim>> reclaims;
    /** What the scrape in progress reads, once ({@link #refresh}); used by every metric. */
    private List<Drilled> drilled = List.of();
    private List<ReclaimHistory.VaultReclaim> reclaimed = List.of();

    AssuranceMetrics(Catalog catalog, Set<String> vaults, Supplier<List<ReclaimHistory.VaultReclaim>> reclaims) {
        this.catalog = catalog;
        this.vaults = vaults;
        this.reclaims = reclaims;
    }

    /** Reads the rows of one scrape: the drills once for the four drill metrics, the reclaim loop's report once. */
    void refresh() {
        drilled = readDrilled();
        reclaimed = reclaims.get();
    }

    void register(PrometheusRegistry registry) {
        verify(registry, "coffer_verify_last_finished_timestamp_seconds", "When the vault's last verify run of a kind ended",
                r -> r.finishedAt().toEpochMilli() / 1000.0);
        verify(registry, "coffer_verify_damaged_ranges", "Damaged ranges the vault's last verify run of a kind found",
                r -> r.damagedRanges());
        verify(registry, "coffer_verify_points_affected", "Points with damage in the vault's last verify run of a kind",
                r -> r.pointsAffected().size());
        verify(registry, "coffer_verify_chunks_checked", "Chunks the vault's last verify run of a kind read",
                r -> r.chunksChecked());

        GaugeWithCallback.builder().name("coffer_drill_last_finished_timestamp_seconds")
                .help("When the instance's last restore drill ended").labelNames("instance_name", "instance_id")
                .callback(cb -> drilled.forEach(d -> d.last().ifPresent(r ->
                        cb.call(r.finishedAt().toEpochMilli() / 1000.0, d.name(), d.id())))).register(registry);
        GaugeWithCallback.builder().name("coffer_drill_last_passed")
                .help("1 when the instance's last restore drill passed, else 0").labelNames("instance_name", "instance_id")
                .callback(cb -> drilled.forEach(d -> d.last().ifPresent(r ->
                        cb.call(r.passed() ? 1 : 0, d.name(), d.id())))).register(registry);
        GaugeWithCallback.builder().name("coffer_drill_last_passed_timestamp_seconds")
                .help("When a restore drill last proved one of the instance's points bootable")
                .labelNames("instance_name", "instance_id")
                .callback(cb -> drilled.forEach(d -> d.proven().ifPresent(r ->
                        cb.call(r.finishedAt().toEpochMilli() / 1000.0, d.name(), d.id())))).register(registry);
        GaugeWithCallback.builder().name("coffer_drill_phase_seconds")
                .help("Timings of the instance's last restore drill: restore, boot (to the guest agent), check")
                .labelNames("instance_name", "instance_id", "phase")
                .callback(cb -> drilled.forEach(d -> d.last().ifPresent(r -> {
                    phase(r.restore()).ifPresent(s -> cb.call(s, d.name(), d.id(), "restore"));
                    phase(r.bootToAgent()).ifPresent(s -> cb.call(s, d.name(), d.id(), "boot"));
                    phase(r.check()).ifPresent(s -> cb.call(s, d.name(), d.id(), "check"));
                }))).register(registry);

        GaugeWithCallback.builder().name("coffer_change_alerts_unacknowledged")
                .help("Change alerts nobody acknowledged (they hold the instance's older points from retention)")
                .labelNames("instance_name", "instance_id", "kind")
                .callback(cb -> {
                    Map<List<String>, Integer> counts = new HashMap<>();
                    List<ChangeAlert> alerts = catalog.changeAlerts().unacknowledged();
                    Map<String, String> names = catalog.instances().find(alerts.stream().map(ChangeAlert::instanceId).toList())
                            .stream().collect(Collectors.toMap(Instance::id, Instance::name)); // at once, not per alert
                    for (ChangeAlert a : alerts) {
                        String name = names.getOrDefault(a.instanceId(), a.instanceId());
                        counts.merge(List.of(name, a.instanceId(), a.kind().name()), 1, Integer::sum);
                    }
                    counts.forEach((labels, n) -> cb.call(n, labels.get(0), labels.get(1), labels.get(2)));
                }).register(registry);

        GaugeWithCallback.builder().name("coffer_replication_lag_seconds")
                .help("Age of the oldest point of the vault whose replica in the destination (region/vault) is not done"
                        + " (0: all done)").labelNames("vault", "destination")
                .callback(cb -> catalog.replications().lags().forEach(l -> cb.call(l.oldestPending() == null ? 0
                        : Math.max(0, Duration.between(l.oldestPending(), Instant.now()).toMillis() / 1000.0),
                        l.sourceVault(), l.region() + "/" + l.vault()))).register(registry);
        GaugeWithCallback.builder().name("coffer_reclaim_pending_seconds")
                .help("Age of the oldest deletion whose space the server has not reclaimed yet (0: none)")
                .labelNames("vault").callback(cb -> reclaimed.forEach(v -> cb.call(v.pendingSince() == null ? 0
                        : Math.max(0, Duration.between(v.pendingSince(), Instant.now()).toMillis() / 1000.0), v.vault())))
                .register(registry);
        CounterWithCallback.builder().name("coffer_reclaimed_bytes")
                .help("Stored bytes the server's space reclaim deleted since it started").labelNames("vault")
                .callback(cb -> reclaimed.forEach(v -> cb.call(v.reclaimedBytes(), v.vault()))).register(registry);
        CounterWithCallback.builder().name("coffer_reclaim_steps")
                .help("Space reclaim steps (gc runs) since the server started").labelNames("vault")
                .callback(cb -> reclaimed.forEach(v -> cb.call(v.steps(), v.vault()))).register(registry);
    }

    private void verify(PrometheusRegistry registry, String name, String help,
                        java.util.function.ToDoubleFunction<VerifyRun> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("vault", "kind").callback(cb -> {
            for (String vault : vaults) {
                for (VerifyRun.Kind kind : VerifyRun.Kind.values()) {
                    catalog.verifyRuns().latest(vault, kind).ifPresent(r -> cb.call(value.applyAsDouble(r), vault, kind.name()));
                }
            }
        }).register(registry);
    }

    private static Optional<Double> phase(Duration d) {
        return d == null ? Optional.empty() : Optional.of(d.toMillis() / 1000.0);
    }

    /** One instance's last drill and last passed drill. */
    private record Drilled(String id, String name, Optional<DrillRun> last, Optional<DrillRun> proven) {
    }

    /** Every instance with points and a drill, with its drills: grouped in the catalog, not a read of every point. */
    private List<Drilled> readDrilled() {
        return catalog.drillRuns().latestOfInstancesWithPoints().stream().map(d -> new Drilled(d.instanceId(),
                d.instanceName() == null ? d.instanceId() : d.instanceName(), Optional.of(d.last()), d.proven())).toList();
    }
}
