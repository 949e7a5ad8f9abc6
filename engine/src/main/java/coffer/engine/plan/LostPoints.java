package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogRebuild;
import coffer.engine.catalog.PointRecord;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.engine.instance.PointFacts;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.Jobs;
import coffer.engine.operation.BackupInstance;
import coffer.engine.operation.BackupResult;
import coffer.engine.operation.InterruptedRunPoint;
import coffer.engine.operation.PlanRun;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.PointIds;
import coffer.vault.PointManifest;
import coffer.vault.PointNotFoundException;
import coffer.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Adopts the point a lost backup job committed in its vault before its row was written (docs/design/catalog.md,
 * "Adopting the point of a lost job"): a worker killed after the vault's commit (manifest, and for an immutable
 * point its hold) and before the catalog's row leaves a point the vault holds and the catalog does not know. For a
 * backup job failed {@code WorkerLost}, the points of its vault whose ids fall within the job's run (one listing of the
 * point ids; only the manifests of that window are read), that are of its instance and its plan (or of no plan, for a
 * person's backup) and that the catalog lacks, are written as {@code catalog rebuild} writes a point
 * ({@link CatalogRebuild#restorePoint}, naming the job), and the steps after a backup follow as for a normal one
 * ({@link PlanBackup#afterBackup}: the plan's mark, the vault's hold, retention, replication), logged on the lost job.
 * The job stays failed {@code WorkerLost} (its worker did die) and its point row names it.
 *
 * <p>Only points with a manifest are adopted: a point whose writer still runs has none yet (its unfinished marker,
 * docs/format/unfinished.md), and only ended jobs are looked at. Found by {@link #sweep} (the server's, every tick,
 * for the lost backup jobs of the last {@link #WINDOW}; a job whose point it did not find is looked at again, less
 * and less often, for {@link #LOOK_AGAIN_FOR} after it was failed: its writer may commit after being judged lost) and
 * by the retry of an interrupted plan's run ({@link #ofInterruptedRun}, through {@link InterruptedRunFirst} on a
 * server's worker or an agent), which then does not back up the slot a second time. Of two adoptions of one point
 * at once (two servers) the row's insert decides which runs the steps after the backup
 * ({@link CatalogRebuild#adoptPoint}). Thread-safe; two adoptions of one job at once in this process are serialized.
 */
public final class LostPoints {
    private static final Logger LOG = LoggerFactory.getLogger(LostPoints.class);
    /** How far back the sweep looks for lost backup jobs. */
    static final Duration WINDOW = Duration.ofDays(2);
    /** Points whose id time is this much before the job's start still count (the writer's clock, an agent's). */
    static final Duration SKEW = Duration.ofMinutes(1);
    /**
     * How long after a lost job was failed the sweep still looks for its point: its writer may go on after being
     * judged lost (an agent cut off from every server backs up until a heartbeat gets through and it is told to stop; a
     * server cut off from the catalog, or paused, likewise), and its manifest then appears after the first look. A
     * writer that commits later than this is found by a plan's retry or {@code catalog rebuild}, not by the sweep.
     */
    static final Duration LOOK_AGAIN_FOR = Duration.ofHours(6);
    /** The wait before the second look at a lost job; it doubles after each look, up to {@link #LOOK_AGAIN_AT_MOST}. */
    static final Duration FIRST_LOOK_AGAIN = Duration.ofSeconds(30);
    static final Duration LOOK_AGAIN_AT_MOST = Duration.ofMinutes(30);

    /**
     * A lost job looked at: when it was created (forgotten after {@link #WINDOW}), the wait before its next look, and
     * when that is (null: not looked at again: its point was found, or its {@link #LOOK_AGAIN_FOR} is over).
     */
    private record Look(Instant created, Duration pause, Instant next) {
    }

    /** A point of a lost job in the catalog: {@code adoptedNow} when this call wrote its row. */
    public record Adopted(PointManifest point, boolean adoptedNow) {
    }

    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final PlanBackup after;
    private final Clock clock;
    private final CatalogRebuild rows;
    /** Lost jobs this process has looked at, and when to look again (forgotten after {@link #WINDOW}). */
    private final Map<String, Look> examined = new ConcurrentHashMap<>();

    /** {@code after}: the steps after a backup ({@link PlanBackup#afterSteps}). */
    public LostPoints(Catalog catalog, VaultDirectory vaults, PlanBackup after, Clock clock) {
        this.catalog = catalog;
        this.vaults = vaults;
        this.after = after;
        this.clock = clock;
        this.rows = new CatalogRebuild(catalog);
    }

    /** True for a backup job failed because its worker was lost: the jobs whose point may be in the vault only. */
    public static boolean lostBackup(Job job) {
        return job.type() == JobType.backup && job.state() == JobState.failed
                && ErrorCode.WorkerLost.name().equals(job.errorCode());
    }

    /**
     * Adopts the points of the lost backup jobs created in the last {@link #WINDOW} that are due for a look: one this
     * process has not looked at yet, and one whose point it has not found, again after {@link #FIRST_LOOK_AGAIN}
     * (doubling, at most {@link #LOOK_AGAIN_AT_MOST} apart) until {@link #LOOK_AGAIN_FOR} after the job was failed (a
     * writer still going on after being judged lost commits later); a job whose vault could not be read is looked at
     * again next time. Returns the points adopted now.
     */
    public List<String> sweep() {
        Instant now = clock.instant();
        examined.values().removeIf(look -> look.created().isBefore(now.minus(WINDOW)));
        List<String> adopted = new ArrayList<>();
        List<Job> lost = catalog.jobs().list(new Jobs.Filter(JobState.failed, JobType.backup, null, null,
                now.minus(WINDOW), null, null, null)).stream().filter(LostPoints::lostBackup)
                .filter(j -> due(j.id(), now)).sorted(Comparator.comparing(Job::createdAt)).toList();
        for (Job job : lost) {
            try {
                List<Adopted> found = adopt(job);
                found.stream().filter(Adopted::adoptedNow).forEach(a -> adopted.add(a.point().id()));
                examined.put(job.id(), looked(job, found.isEmpty(), now));
            } catch (RuntimeException e) {
                LOG.warn("could not look for the point of lost backup job {} in its vault (tried again later): {}",
                        job.id(), e.getMessage());
            }
        }
        return adopted;
    }

    private boolean due(String jobId, Instant now) {
        Look look = examined.get(jobId);
        return look == null || look.next() != null && !now.isBefore(look.next());
    }

    /** After a look at {@code job} at {@code now}: when to look again, if at all. */
    private Look looked(Job job, boolean nothingFound, Instant now) {
        Look before = examined.get(job.id());
        Duration pause = before == null ? FIRST_LOOK_AGAIN : before.pause().multipliedBy(2);
        pause = pause.compareTo(LOOK_AGAIN_AT_MOST) > 0 ? LOOK_AGAIN_AT_MOST : pause;
        Instant next = now.plus(pause);
        Instant until = (job.finishedAt() == null ? job.createdAt() : job.finishedAt()).plus(LOOK_AGAIN_FOR);
        return new Look(job.createdAt(), pause, nothingFound && !next.isAfter(until) ? next : null);
    }

    /**
     * The points of lost backup job {@code job} in the catalog, adopting those only its vault holds: empty when it
     * committed none (killed before its manifest), and for any other job.
     */
    public synchronized List<Adopted> adopt(Job job) {
        if (!lostBackup(job) || job.startedAt() == null || !(job.operation() instanceof BackupInstance backup)) {
            return List.of();
        }
        String instance = job.target();
        List<Adopted> found = new ArrayList<>();
        List<String> known = new ArrayList<>();
        for (PointRecord row : catalog.points().listByInstance(instance)) {
            if (job.id().equals(row.jobId())) {
                known.add(row.id());
            }
        }
        String vaultName = vaults.nameOr(backup.vault());
        if (!vaults.names().contains(vaultName)) {
            LOG.warn("lost backup job {}: its vault {} is no longer configured; its point, if any, is not adopted", job.id(),
                    vaultName);
            return List.of();
        }
        Vault vault = vaults.open(vaultName);
        for (PointManifest point : committedDuring(vault, job)) {
            if (known.contains(point.id())) {
                found.add(new Adopted(point, false));
                continue;
            }
            PointFacts facts = PointFacts.of(point);
            String plan = facts.plan() == null ? null : facts.plan().id();
            if (!instance.equals(facts.uuid()) || !Objects.equals(plan, backup.plan() == null ? null : backup.plan().id())
                    || catalog.points().find(point.id()).isPresent()) {
                continue; // another instance's, another plan's or a person's, or in the catalog under another job
            }
            if (!rows.adoptPoint(vaults.regionOf(vaultName), vaultName, point, job.id())) {
                found.add(new Adopted(point, false)); // another adoption wrote the row just now: it runs the steps
                continue;
            }
            found.add(new Adopted(point, true));
            JobContext log = JobContext.logOf(catalog.jobs(), job.id());
            log.info("point " + point.id() + " was committed in vault " + vaultName + " before this job's worker was lost;"
                    + " adopted into the catalog (docs/design/catalog.md)");
            after.afterBackup(backup, BackupResult.ofManifest(point), job, log);
            LOG.info("adopted point {} of lost backup job {} (instance {}, vault {})", point.id(), job.id(), instance,
                    vaultName);
        }
        return found;
    }

    /**
     * For the retry of an interrupted plan's run ({@code operation}'s plan run names the interrupted job): the point
     * the interrupted run committed in the vault before its worker was lost, adopted if the catalog lacks it (with the
     * steps after a backup, logged on the interrupted job); none when it committed none, or when {@code operation} is
     * no such retry. What a retry runs first wherever it runs ({@link InterruptedRunFirst}: a server's worker calls
     * it, an agent's asks a server to).
     */
    public InterruptedRunPoint ofInterruptedRun(BackupInstance operation) {
        PlanRun run = operation.plan();
        if (run == null || run.retryOf() == null) {
            return InterruptedRunPoint.NONE;
        }
        Optional<Job> interrupted = catalog.jobs().find(run.retryOf());
        if (interrupted.isEmpty() || !lostBackup(interrupted.get())) {
            return InterruptedRunPoint.NONE;
        }
        List<Adopted> points = adopt(interrupted.get());
        if (points.isEmpty()) {
            return InterruptedRunPoint.NONE;
        }
        Adopted point = points.getLast();
        return new InterruptedRunPoint(run.retryOf(), BackupResult.ofManifest(point.point()), point.adoptedNow());
    }

    /**
     * The readable points of {@code vault} whose id time falls within the job's run (from its start less the skew),
     * but for those whose catalog row names another job (or none): they are not this job's, and their manifests are
     * not read (so a look again at a lost job reads only the manifests of points the catalog lacks).
     */
    private List<PointManifest> committedDuring(Vault vault, Job job) {
        String from = PointIds.second(job.startedAt().minus(SKEW));
        String to = PointIds.second(job.finishedAt() == null ? Instant.MAX.minusSeconds(1) : job.finishedAt());
        List<String> ids = new ArrayList<>();
        try {
            for (String id : vault.backend().listChildren(Vault.POINTS)) {
                String second = PointIds.isId(id) ? id.substring(0, 15) : null;
                if (second != null && second.compareTo(from) >= 0 && second.compareTo(to) <= 0) {
                    ids.add(id);
                }
            }
            java.util.Set<String> others = new java.util.HashSet<>();
            if (!ids.isEmpty()) {
                catalog.points().find(ids).stream().filter(row -> !job.id().equals(row.jobId()))
                        .forEach(row -> others.add(row.id()));
            }
            List<PointManifest> points = new ArrayList<>();
            for (String id : ids) {
                if (others.contains(id)) {
                    continue;
                }
                try {
                    points.add(vault.point(id)); // no manifest: unfinished (being written or left), not a point yet
                } catch (PointNotFoundException notCommitted) {
                    // skipped
                } catch (coffer.vault.CorruptDataException | coffer.vault.UnsupportedFormatException unreadable) {
                    LOG.warn("lost job {}: the manifest of point {} does not read ({}); not adopted", job.id(), id,
                            unreadable.getMessage());
                }
            }
            return points;
        } catch (IOException e) {
            throw Errors.classify(e);
        }
    }
}
