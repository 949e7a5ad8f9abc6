package coffer.server.metrics;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.PointRecord;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.Jobs;
import coffer.engine.reclaim.ReclaimHistory;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus metrics at {@code /metrics}, computed from the catalog at scrape time so they hold across
 * restarts and several servers: jobs by state and type, bytes backed up and restored (from succeeded
 * jobs), vault sizes (logical and stored), verification, drills, change alerts and space reclaim
 * ({@link AssuranceMetrics}), and job durations (a histogram of the jobs that ended since
 * this server started, observed as scrapes find them).
 */
public final class ServerMetrics {
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final Catalog catalog;
    private final java.util.Set<String> vaults;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram durations;
    private final AssuranceMetrics assurance;
    private Instant observedUntil = Instant.now();
    /** The rows of the scrape in progress: read once, used by every metric. */
    private List<Job> jobs = List.of();
    private List<PointRecord> points = List.of();

    public ServerMetrics(Catalog catalog, java.util.Set<String> vaults) {
        this(catalog, vaults, List::of);
    }

    /** With the assurance metrics of the server's space reclaim loop ({@code reclaims}). */
    public ServerMetrics(Catalog catalog, java.util.Set<String> vaults,
                         java.util.function.Supplier<List<ReclaimHistory.VaultReclaim>> reclaims) {
        this.catalog = catalog;
        this.vaults = vaults;
        this.assurance = new AssuranceMetrics(catalog, vaults, reclaims);
        assurance.register(registry);
        GaugeWithCallback.builder().name("coffer_jobs").help("Jobs by state and type")
                .labelNames("state", "type")
                .callback(cb -> {
                    Map<JobState, Map<JobType, Integer>> counts = new EnumMap<>(JobState.class);
                    for (Job job : jobs) {
                        counts.computeIfAbsent(job.state(), s -> new EnumMap<>(JobType.class)).merge(job.type(), 1, Integer::sum);
                    }
                    for (JobState state : JobState.values()) {
                        for (JobType type : JobType.values()) {
                            cb.call(counts.getOrDefault(state, Map.of()).getOrDefault(type, 0), state.name(), type.name());
                        }
                    }
                }).register(registry);
        CounterWithCallback.builder().name("coffer_bytes_backed_up").help("Logical bytes covered by succeeded backup jobs")
                .callback(cb -> cb.call(bytes(JobType.backup))).register(registry);
        CounterWithCallback.builder().name("coffer_bytes_restored")
                .help("Bytes written by succeeded restore and clone jobs")
                .callback(cb -> cb.call(bytes(JobType.restore_disk) + bytes(JobType.restore_instance) + bytes(JobType.clone)))
                .register(registry);
        GaugeWithCallback.builder().name("coffer_vault_logical_bytes").help("Logical bytes of the points in each vault")
                .labelNames("vault").callback(cb -> vaultTotals(false).forEach((v, b) -> cb.call(b, v))).register(registry);
        GaugeWithCallback.builder().name("coffer_vault_stored_bytes")
                .help("Bytes the points of each vault added to it (after dedup and compression)")
                .labelNames("vault").callback(cb -> vaultTotals(true).forEach((v, b) -> cb.call(b, v))).register(registry);
        durations = Histogram.builder().name("coffer_job_duration_seconds").help("Duration of ended jobs")
                .labelNames("type", "state")
                .classicUpperBounds(1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 12 * 3600)
                .register(registry);
    }

    /**
     * Adds {@code coffer_clock_skew_seconds}: how far this server's host clock is ahead of the catalog database's
     * (negative: behind), as last measured (docs/design/jobs.md, "Whose clock").
     */
    public ServerMetrics withClockSkew(java.util.function.DoubleSupplier seconds) {
        GaugeWithCallback.builder().name("coffer_clock_skew_seconds")
                .help("How far this server's clock is ahead of the catalog database's (negative: behind)")
                .callback(cb -> cb.call(seconds.getAsDouble())).register(registry);
        return this;
    }

    /**
     * Adds {@code coffer_vault_available{vault}}: 1 when the vault was available at its last opening or check, 0 when
     * it was not (its store did not answer, docs/server.md, "Vaults that do not answer"); vaults not checked yet are
     * left out.
     */
    public ServerMetrics withVaultStates(coffer.engine.vault.VaultDirectory directory) {
        GaugeWithCallback.builder().name("coffer_vault_available")
                .help("1 when the vault was available at its last opening or check, 0 when its storage did not answer")
                .labelNames("vault").callback(cb -> vaults.forEach(v -> {
                    coffer.engine.vault.VaultState state = directory.state(v);
                    if (!coffer.engine.vault.VaultState.UNCHECKED.equals(state.state())) {
                        cb.call(state.isAvailable() ? 1 : 0, v);
                    }
                })).register(registry);
        return this;
    }

    /**
     * Adds {@code coffer_storage_looks_left_running}: looks at a vault's storage that did not end when interrupted (a
     * hung local file system) and still hold their thread; at most one per vault (docs/server.md, "Vaults that do not
     * answer").
     */
    public ServerMetrics withStorageLooksLeftRunning(java.util.function.IntSupplier count) {
        GaugeWithCallback.builder().name("coffer_storage_looks_left_running")
                .help("Looks at a vault's storage that did not end when interrupted and still hold their thread")
                .callback(cb -> cb.call(count.getAsInt())).register(registry);
        return this;
    }

    /** The text exposition format. */
    public synchronized byte[] scrape() throws IOException {
        jobs = catalog.jobs().list(Jobs.Filter.ALL);
        points = catalog.points().listAll();
        assurance.refresh();
        observeEndedJobs();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        return out.toByteArray();
    }

    private void observeEndedJobs() {
        Instant latest = observedUntil;
        for (Job job : jobs) {
            if (job.state().isFinal() && job.finishedAt() != null && job.finishedAt().isAfter(observedUntil)
                    && job.startedAt() != null) {
                durations.labelValues(job.type().name(), job.state().name())
                        .observe(Duration.between(job.startedAt(), job.finishedAt()).toMillis() / 1000.0);
                if (job.finishedAt().isAfter(latest)) {
                    latest = job.finishedAt();
                }
            }
        }
        observedUntil = latest;
    }

    private long bytes(JobType type) {
        return jobs.stream().filter(j -> j.state() == JobState.succeeded && j.type() == type).mapToLong(Job::bytesDone).sum();
    }

    private Map<String, Long> vaultTotals(boolean stored) {
        Map<String, Long> totals = new HashMap<>();
        vaults.forEach(v -> totals.put(v, 0L));
        for (PointRecord p : points) {
            totals.merge(p.vault(), stored ? p.storedBytes() : p.logicalBytes(), Long::sum);
        }
        return totals;
    }
}
