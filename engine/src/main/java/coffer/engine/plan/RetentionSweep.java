package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.PointRetention;
import coffer.engine.policy.PointExpiry;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.PointNotFoundException;
import coffer.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Deletes expired points: for each instance, {@link coffer.engine.policy.Retention#evaluate} on its points
 * (its plan's policy, each point's own expiry, the newest point of a protected instance always kept); a point
 * no rule keeps is deleted, its manifest from the vault first, then its row (a crash between the two leaves a
 * row whose manifest is gone, which the next sweep or a delete removes). The expiry shown of every kept point
 * is brought up to date. The vault's chunks are NOT reclaimed here: that is the vault gc's job (docs/design/gc.md),
 * so a sweep never holds the vault's gc lock; each deletion is told to {@link Deletions} (the server's
 * {@code SpaceReclaim}, which runs gc soon after: docs/design/assurance.md). Run after each backup
 * ({@link PlanBackup}) and on a timer by the server. Thread-safe; two sweeps at once delete a point once.
 */
public final class RetentionSweep {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionSweep.class);

    /** What a sweep did: the points deleted, and failures (a vault that could not be written) by point. */
    public record Report(List<String> deleted, List<String> failures) {
    }

    /** Told of every point a sweep deleted from a vault, so that its space is reclaimed. Thread-safe. */
    @FunctionalInterface
    public interface Deletions {
        Deletions NONE = (vault, at) -> {
        };

        void noteDeleted(String vault, Instant at);
    }

    private final Catalog catalog;
    private final VaultDirectory vaults;
    private final Clock clock;
    private final Deletions deletions;

    public RetentionSweep(Catalog catalog, VaultDirectory vaults, Clock clock) {
        this(catalog, vaults, clock, Deletions.NONE);
    }

    public RetentionSweep(Catalog catalog, VaultDirectory vaults, Clock clock, Deletions deletions) {
        this.catalog = catalog;
        this.vaults = vaults;
        this.clock = clock;
        this.deletions = deletions;
    }

    public Report sweepAll() {
        List<String> deleted = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String instance : catalog.pointRetentions().instancesWithPoints()) {
            Report one = sweep(instance);
            deleted.addAll(one.deleted());
            failures.addAll(one.failures());
        }
        return new Report(deleted, failures);
    }

    public Report sweep(String instanceId) {
        Instant now = clock.instant();
        List<String> deleted = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (InstanceRetention.Judged judged : InstanceRetention.of(catalog, instanceId, now).points()) {
            var point = judged.point();
            if (judged.verdict().kept()) {
                Instant shown = judged.verdict().expiresAt().orElse(null);
                if (!Objects.equals(shown, point.expiresAt())) {
                    catalog.pointRetentions().showExpiry(point.pointId(), shown);
                }
                String rolledBack = holdAgainIfRolledBack(point, now);
                if (rolledBack != null) {
                    failures.add(point.pointId() + ": " + rolledBack);
                }
                continue;
            }
            try {
                deletePoint(point.vault(), point.pointId(), "retention");
                deletions.noteDeleted(point.vault(), clock.instant());
                deleted.add(point.pointId());
                LOG.info("retention deleted point {} of instance {} (expired {})", point.pointId(), instanceId,
                        judged.verdict().timeLimit().map(Instant::toString).orElse("by its rules"));
            } catch (RuntimeException e) {
                failures.add(point.pointId() + ": " + e.getMessage());
                LOG.warn("retention could not delete point {}: {}", point.pointId(), e.getMessage());
            }
        }
        return new Report(deleted, failures);
    }

    /**
     * Brings the vault's hold of an immutable or extended point up to the lock the catalog gives it now (an
     * immutable point's time limit, an extended point's expiry; for ever when it never expires), so an offline
     * delete through the vault is refused as a delete through the server is (docs/format/hold.md,
     * docs/design/policies.md). A hold is only ever extended; points that are neither, whose lock has
     * already ended, or that are not in the vault (a row whose manifest is gone) are left alone. The catalog's lock
     * stands whatever happens here: a vault that cannot be written is logged and reported as false, not thrown.
     *
     * @return whether the vault holds the point now
     */
    public boolean holdInVault(String pointId) {
        PointRetention row = catalog.pointRetentions().find(pointId).orElse(null);
        if (row == null || !(row.immutable() || row.extended())) {
            return false;
        }
        Instant now = clock.instant();
        Instant until = row.expiry() instanceof PointExpiry.Never ? Vault.FOREVER
                : !row.immutable() ? (row.expiry() instanceof PointExpiry.At(Instant at) ? at : null) // extended: to its expiry
                : InstanceRetention.of(catalog, row.instanceId(), now).point(pointId)
                .flatMap(judged -> judged.verdict().timeLimit()).orElse(null);
        if (until == null || !until.isAfter(now)) {
            return false;
        }
        try {
            vaults.open(row.vault()).holdUntil(pointId, until);
            catalog.pointHolds().record(pointId, row.vault(), until);
            return true;
        } catch (PointNotFoundException notInTheVault) {
            return false;
        } catch (IOException | RuntimeException e) {
            LOG.warn("the vault could not record that point {} is immutable until {} (the catalog still refuses to"
                    + " delete it): {}", pointId, until, Errors.classify(e).getMessage());
            return false;
        }
    }

    /**
     * Finds a hold of a kept point that ends before the hold the catalog wrote ({@link coffer.engine.catalog.PointHolds}),
     * or is gone: put back from before an extension, or removed, by someone with the storage (docs/design/security.md,
     * "Rollback and replay"). Such a hold is written again, until the catalog's time, and the finding returned
     * ({@code DataCorrupt}, also logged); null when the hold is as the catalog left it, the catalog's hold has ended, or
     * the point is not in the vault. Costs one catalog read per kept point, and one read of the hold object per point
     * the catalog holds now.
     */
    private String holdAgainIfRolledBack(PointRetention point, Instant now) {
        Instant set = catalog.pointHolds().find(point.pointId()).orElse(null);
        if (set == null || !set.isAfter(now)) {
            return null;
        }
        try {
            Vault vault = vaults.open(point.vault());
            Instant held = vault.readHold(point.pointId());
            if (held != null && !held.isBefore(set)) {
                return null;
            }
            vault.holdUntil(point.pointId(), set);
            String finding = ErrorCode.DataCorrupt + ": the hold object of point " + point.pointId() + " in vault "
                    + point.vault() + (held == null ? " is gone" : " ends at " + held) + ", but the catalog held it until "
                    + set + ": put back from an earlier version, or removed, by someone with the storage; held again until "
                    + set;
            LOG.warn("{}", finding);
            return finding;
        } catch (PointNotFoundException notInTheVault) {
            return null;
        } catch (IOException | RuntimeException e) {
            LOG.warn("the hold of point {} could not be compared with the catalog's: {}", point.pointId(),
                    Errors.classify(e).getMessage());
            return null;
        }
    }

    /**
     * The manifest from the vault (already gone is fine), then the row; the catalog remembers the point as deleted
     * ({@code how}), so that its objects put back later are not adopted again (docs/design/security.md, "Rollback and
     * replay").
     */
    void deletePoint(String vault, String pointId, String how) {
        try {
            vaults.open(vault).deletePoint(pointId);
        } catch (PointNotFoundException alreadyGone) {
            // deleted before (offline, or a crash after the vault and before the row): the row follows
        } catch (IOException e) {
            throw Errors.classify(e);
        }
        catalog.deletedPoints().record(pointId, vault, clock.instant(), how);
        catalog.points().delete(pointId);
    }
}
