package coffer.engine.job.handler;

import coffer.engine.catalog.Catalog;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
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
import java.util.Map;
import java.util.Optional;

/**
 * The export records (docs/design/live-access.md): each export job with its state and, once made, its archive, until
 * it expires or is removed on request ({@link #delete}). The records are the export jobs themselves (their operation and result records); {@link #sweep} removes
 * the archives of expired exports and the partial archives of exports no longer running, noting each in the export
 * job's log. Thread-safe.
 */
public final class ExportRecords {

    private final Catalog catalog;
    private final ExportArea area;
    private final Clock clock;

    public ExportRecords(Catalog catalog, ExportArea area, Clock clock) {
        this.catalog = catalog;
        this.area = area;
        this.clock = clock;
    }

    /** One page of the export records, newest first: the export jobs' page (ListJobs' cursor and order). */
    public static ExportList list(Catalog catalog, coffer.engine.operation.ListExports asked, Instant now) {
        var page = catalog.jobs().page(new Jobs.Filter(null, JobType.export, null, null, null, null,
                asked.cursor() == null ? null : coffer.engine.catalog.PageCursor.decode("cursor", asked.cursor()),
                asked.limitOrDefault(), null));
        List<Job> jobs = page.items();
        Map<String, Instant> removed = catalog.exportRemovals().among(jobs.stream().map(Job::id).toList());
        return ExportList.of(jobs.stream().map(job -> view(job, removed.get(job.id()), now)).toList(),
                page.next() == null ? null : page.next().encode());
    }

    private static ExportView view(Job job, Instant removedAt, Instant now) {
        ExportFiles asked = (ExportFiles) job.operation();
        ExportResult made = result(job).orElse(null);
        String status = switch (job.state()) {
            case queued, running -> removedAt != null ? "cancelled" : job.state().name();
            case failed -> "failed";
            case cancelled -> "cancelled";
            case succeeded -> removedAt != null ? "deleted"
                    : made != null && made.expiresAt().isAfter(now) ? "available" : "expired";
        };
        return new ExportView(job.id(), asked.point(), asked.disk(), asked.paths(), status, job.createdAt(),
                made == null ? null : made.expiresAt(), made == null ? null : made.bytes(),
                made == null ? null : made.sha256(), job.errorCode() == null ? null : job.errorCode() + ": " + job.errorMessage(),
                removedAt);
    }

    /**
     * Removes export {@code id} before its expiry: a queued or running export's job is cancelled (the handler removes
     * its partial archive); a made archive is deleted. Recorded, so the export reads {@code deleted} (or
     * {@code cancelled}) and is never downloadable again; noted in the export's job log. {@code ExportNotAvailable}
     * for an unknown export, one removed already, or one that ended without an archive.
     */
    public ExportView delete(String id, String by) throws IOException {
        Job job = catalog.jobs().find(id).filter(j -> j.type() == JobType.export)
                .orElseThrow(() -> new CofferException(ErrorCode.ExportNotAvailable, "no export '" + id + "'"));
        Optional<Instant> before = catalog.exportRemovals().find(job.id());
        if (before.isPresent()) {
            throw new CofferException(ErrorCode.ExportNotAvailable, "export " + job.id() + " was removed at " + before.get());
        }
        if (job.state() == JobState.failed || job.state() == JobState.cancelled) {
            throw new CofferException(ErrorCode.ExportNotAvailable, "export " + job.id() + " ended " + job.state()
                    + " without an archive: there is nothing to remove");
        }
        Instant now = clock.instant();
        catalog.exportRemovals().removed(job.id(), now, by);
        if (!job.state().isFinal()) {
            catalog.jobs().cancel(job.id());
            catalog.jobs().appendLog(job.id(), "info", "removed on request (" + by + "): cancelling the export");
        } else {
            boolean had = area != null && area.remove(job.id());
            catalog.jobs().appendLog(job.id(), "info", "removed on request (" + by + ")"
                    + (had ? ": archive deleted" : ": no archive was left"));
        }
        return view(catalog.jobs().find(job.id()).orElse(job), now, now);
    }

    /** The archive of an available export: empty when it is not one (unknown, not made, expired, removed). */
    public Optional<Path> available(String id) {
        Optional<Job> job = catalog.jobs().find(id).filter(j -> j.type() == JobType.export && j.state() == JobState.succeeded);
        Optional<ExportResult> made = job.flatMap(ExportRecords::result);
        if (made.isEmpty() || !made.get().expiresAt().isAfter(clock.instant())
                || catalog.exportRemovals().find(id).isPresent()) {
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
            } else if (catalog.exportRemovals().find(job.id()).isPresent() && area.remove(job.id())) {
                removed.add("export " + job.id() + " was removed on request: archive deleted"); // a removal cut short
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
