package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.Jobs;
import coffer.engine.json.CofferJson;
import coffer.engine.live.ExportArea;
import coffer.engine.operation.ExportFiles;
import coffer.engine.operation.ExportList;
import coffer.engine.operation.ExportResult;
import coffer.engine.operation.ExportView;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The export records (docs/design/live-access.md): each export job with its state and, once made, its archive, until
 * it expires. The records are the export jobs themselves (their operation and result records); {@link #sweep} removes
 * the archives of expired exports and the partial archives of exports no longer running, noting each in the export
 * job's log. Thread-safe.
 */
public final class ExportRecords {
    /** How many export records are listed. */
    public static final int LIMIT = 100;

    private final Catalog catalog;
    private final ExportArea area;
    private final Clock clock;

    public ExportRecords(Catalog catalog, ExportArea area, Clock clock) {
        this.catalog = catalog;
        this.area = area;
        this.clock = clock;
    }

    /** The export records, newest first. */
    public static ExportList list(Catalog catalog, Instant now) {
        List<ExportView> views = new ArrayList<>();
        for (Job job : catalog.jobs().list(new Jobs.Filter(null, JobType.export, null, LIMIT))) {
            ExportFiles asked = (ExportFiles) job.operation();
            ExportResult made = result(job).orElse(null);
            String status = switch (job.state()) {
                case queued -> "queued";
                case running -> "running";
                case failed -> "failed";
                case cancelled -> "cancelled";
                case succeeded -> made != null && made.expiresAt().isAfter(now) ? "available" : "expired";
            };
            views.add(new ExportView(job.id(), asked.point(), asked.disk(), asked.paths(), status, job.createdAt(),
                    made == null ? null : made.expiresAt(), made == null ? null : made.bytes(),
                    made == null ? null : made.sha256(), job.errorCode() == null ? null : job.errorCode() + ": " + job.errorMessage()));
        }
        return ExportList.of(views);
    }

    /** The archive of an available export: empty when it is not one (unknown, not made, expired, removed). */
    public Optional<Path> available(String id) {
        Optional<Job> job = catalog.jobs().find(id).filter(j -> j.type() == JobType.export && j.state() == JobState.succeeded);
        Optional<ExportResult> made = job.flatMap(ExportRecords::result);
        if (made.isEmpty() || !made.get().expiresAt().isAfter(clock.instant())) {
            return Optional.empty();
        }
        Path file = area.archive(id);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** Removes expired archives and the partial archives of exports no longer running; one line per removal. */
    public List<String> sweep() throws IOException {
        List<String> removed = new ArrayList<>();
        Instant now = clock.instant();
        for (Job job : catalog.jobs().list(new Jobs.Filter(JobState.succeeded, JobType.export, null, 1000))) {
            Optional<ExportResult> made = result(job);
            if (made.isPresent() && !made.get().expiresAt().isAfter(now) && area.remove(job.id())) {
                catalog.jobs().appendLog(job.id(), "info", "expired at " + made.get().expiresAt() + ": archive removed");
                removed.add("export " + job.id() + " expired: archive removed");
            }
        }
        for (String id : area.unfinished()) {
            boolean running = catalog.jobs().find(id).map(j -> !j.state().isFinal()).orElse(false);
            if (!running && area.remove(id)) {
                removed.add("export " + id + " did not finish: partial archive removed");
            }
        }
        return removed;
    }

    private static Optional<ExportResult> result(Job job) {
        if (job.result() == null || job.result().isNull()) {
            return Optional.empty();
        }
        return Optional.of(CofferJson.read(job.result(), ExportResult.class));
    }
}
