package coffer.engine.verify;

import coffer.engine.JobProgress;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.VerifyRun;
import coffer.engine.error.Errors;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.PointListing;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.VaultBusyException;
import coffer.vault.maintenance.ChunkSample;
import coffer.vault.maintenance.Damage;
import coffer.vault.maintenance.Quarantine;
import coffer.vault.maintenance.Verifier;
import coffer.vault.maintenance.VerifyPlan;
import coffer.vault.maintenance.VerifyReport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Verifies one vault, fully or one slice of its sampled rotation (docs/design/assurance.md), as the offline
 * {@code coffer vault verify} does, and records the run in the catalog:
 * <ol>
 *   <li>the slice: every chunk for a full run; for a sampled run the slice after the vault's last sampled run
 *       ({@link VerifySchedule#nextSample});</li>
 *   <li>read every point's indexes, then the selected chunks ({@link Verifier}), reporting progress; no lock is
 *       taken, so backups, restores and gc's mark run meanwhile (docs/design/locking.md);</li>
 *   <li>damage of a point deleted during the run is dropped (its chunks may have been swept under it: that is no
 *       damage of anything that still exists);</li>
 *   <li>with {@code quarantine}, damaged chunks are moved aside under the vault's exclusive lock, waiting at most
 *       {@code lockWait} for running backups; a busy vault leaves them where they are and says so (the next run
 *       finds and moves them). The next backup of the same data stores them again and heals every point using
 *       them;</li>
 *   <li>the run is recorded ({@link VerifyRun}); a cancelled or failed run is not, so the rotation does not
 *       advance past a slice that was not read.</li>
 * </ol>
 * Cancel by interrupting the calling thread: {@code CofferException} Cancelled, nothing recorded, nothing moved.
 *
 * <p>Thread-safe; runs of different vaults may go on at once (one run per vault is the caller's rule).
 */
public final class VaultVerification {
    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final VerifySettings settings;
    private final Clock clock;
    private final int threads;

    public VaultVerification(Catalog catalog, VaultDirectory vaults, VerifySettings settings, Clock clock, int threads) {
        this.catalog = catalog;
        this.vaults = vaults;
        this.settings = settings;
        this.clock = clock;
        this.threads = threads;
    }

    /**
     * One run.
     *
     * @param vault      the vault's configured name (null: the default vault)
     * @param quarantine move damaged chunks aside (as {@code vault verify --quarantine})
     * @param lockWait   how long quarantine waits for running backups
     * @param jobId      the job running it, recorded with the run (null offline)
     */
    public record Request(String vault, VerifyRun.Kind kind, boolean quarantine, Duration lockWait, String jobId) {
        public Request {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(lockWait, "lockWait");
        }
    }

    /** The recorded run and the damaged ranges it found (of points that still exist). */
    public record Result(VerifyRun run, List<Damage> damage) {
        public Result {
            damage = List.copyOf(damage);
        }
    }

    public Result run(Request request, JobProgress progress) {
        String name = vaults.nameOr(request.vault());
        Instant started = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try {
            Vault vault = vaults.open(name);
            ChunkSample sample = request.kind() == VerifyRun.Kind.FULL ? ChunkSample.all()
                    : VerifySchedule.nextSample(catalog.verifyRuns().latest(name, VerifyRun.Kind.SAMPLED), settings.slices());
            PointListing listing = vault.listPoints();
            List<PointManifest> points = listing.points();
            Verifier verifier = new Verifier(vault, threads);
            VerifyPlan plan = verifier.plan(points, sample);
            progress.starting(plan.selectedBytes());
            VerifyReport report = verifier.check(plan, progress);
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("verify of " + name + " cancelled");
            }
            List<Damage> damage = ofExistingPoints(vault, report.damage());
            int quarantined = 0;
            String note = null;
            if (request.quarantine() && !damage.isEmpty()) {
                try {
                    quarantined = new Quarantine(vault).quarantine(damage, request.lockWait());
                } catch (VaultBusyException busy) {
                    note = "damaged chunks not moved, the vault stayed busy for " + request.lockWait() + " ("
                            + busy.getMessage() + "); the next verify moves them";
                }
            }
            // a point whose manifest does not read, or is lost, is damaged as a whole: one damaged range each
            VerifyReport kept = new VerifyReport(report.points(), report.chunksChecked(), report.bytesChecked(), damage,
                    Verifier.wholePoints(listing));
            VerifyRun run = new VerifyRun(UUID.randomUUID().toString(), name, request.kind(), sample.slice(),
                    sample.slices(), started, clock.instant().truncatedTo(ChronoUnit.MILLIS), kept.points(), kept.chunksChecked(), kept.bytesChecked(),
                    damage.size() + kept.damagedPoints().size(), kept.pointsAffected(), quarantined, note, request.jobId());
            catalog.verifyRuns().record(run);
            return new Result(run, damage);
        } catch (IOException | RuntimeException e) {
            throw Errors.classify(e);
        }
    }

    /** {@code damage} less that of points whose manifest is gone (deleted while the run read them). */
    private static List<Damage> ofExistingPoints(Vault vault, List<Damage> damage) throws IOException {
        Map<String, Boolean> exists = new HashMap<>();
        List<Damage> kept = new ArrayList<>();
        for (Damage d : damage) {
            Boolean present = exists.get(d.pointId());
            if (present == null) {
                present = vault.backend().exists(Vault.manifestName(d.pointId()));
                exists.put(d.pointId(), present);
            }
            if (present) {
                kept.add(d);
            }
        }
        return kept;
    }
}
