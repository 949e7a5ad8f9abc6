package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.PointRetention;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.policy.PointDeletion;
import coffer.engine.policy.PointExpiry;
import coffer.engine.policy.RetentionFacts;
import coffer.engine.policy.RetentionPeriod;
import coffer.engine.policy.Verdict;
import coffer.engine.vault.VaultDirectory;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * What people do to a point's lifetime: delete it (refused for every role while it is immutable and
 * unexpired: {@code BackupPointImmutable}), extend its retention by whole days, set it to never expire, and
 * what happens to a plan's points when the plan goes ({@link #detachPlan}). Every check runs on the catalog's
 * facts, so it holds for every client of the server; an immutable or extended point's lock is also held in the vault
 * ({@link RetentionSweep#holdInVault}), so offline access to the vault cannot delete it either. Thread-safe.
 */
public final class PointLifecycle {
    /** A point's retention as it stands: the row's facts and today's verdict. */
    public record State(PointRetention point, Verdict verdict) {
    }

    private final Catalog catalog;
    private final RetentionSweep sweep;
    private final Clock clock;
    private final RetentionSweep.Deletions deletions;

    public PointLifecycle(Catalog catalog, VaultDirectory vaults, Clock clock) {
        this(catalog, vaults, clock, RetentionSweep.Deletions.NONE);
    }

    /** Telling {@code deletions} of every point deleted (the server's space reclaim). */
    public PointLifecycle(Catalog catalog, VaultDirectory vaults, Clock clock, RetentionSweep.Deletions deletions) {
        this.catalog = catalog;
        this.sweep = new RetentionSweep(catalog, vaults, clock);
        this.clock = clock;
        this.deletions = deletions;
    }

    public State state(String pointId) {
        PointRetention row = row(pointId);
        InstanceRetention.Judged judged = InstanceRetention.of(catalog, row.instanceId(), clock.instant()).point(pointId)
                .orElseThrow(() -> notFound(pointId));
        return new State(judged.point(), judged.verdict());
    }

    /** Deletes the point (manifest, then row) unless it is immutable and unexpired. */
    public void delete(String pointId) {
        State state = state(pointId);
        PointDeletion.requireAllowed(state.point().facts(), state.verdict(), clock.instant(), state.point().extended());
        sweep.deletePoint(state.point().vault(), pointId, "deleted on request");
        deletions.noteDeleted(state.point().vault(), clock.instant());
    }

    /** Keeps the point {@code days} more days (1 to 65,536) past its current expiry; it cannot be deleted before. */
    public State extend(String pointId, long days) {
        State state = state(pointId);
        PointExpiry extended = PointExpiry.extend(state.point().facts(), state.verdict(), days, clock.instant());
        catalog.pointRetentions().extend(pointId, extended, ((PointExpiry.At) extended).instant());
        State after = state(pointId);
        catalog.pointRetentions().showExpiry(pointId, after.verdict().expiresAt().orElse(null));
        sweep.holdInVault(pointId);
        return state(pointId);
    }

    /** The point never expires: retention never deletes it, and, extended, nobody can (docs/design/policies.md). */
    public State neverExpire(String pointId) {
        State state = state(pointId);
        if (state.point().expiry() instanceof PointExpiry.Never) {
            throw new CofferException(ErrorCode.InvalidArgument, "point " + pointId + " already never expires");
        }
        catalog.pointRetentions().extend(pointId, PointExpiry.never(), null);
        sweep.holdInVault(pointId);
        return state(pointId);
    }

    /**
     * Before the instance's plan is deleted, rebound or its protection stopped: each of its policy points that
     * the rules alone governed is pinned to the expiry the rules give it now, so it keeps expiring as shown.
     * A point held only by an open-ended rule (keep-latest, newest point) is pinned to the later of its time
     * limit and the policy's keep-for counted from now: losing its plan never makes a point expire at once.
     */
    public int detachPlan(String instanceId) {
        Instant now = clock.instant();
        InstanceRetention retention = InstanceRetention.of(catalog, instanceId, now);
        if (retention.policy().isEmpty()) {
            return 0;
        }
        RetentionPeriod keepFor = retention.policy().get().policy().retention().keepFor();
        int pinned = 0;
        for (InstanceRetention.Judged judged : retention.points()) {
            RetentionFacts facts = judged.point().facts();
            if (facts.origin() != RetentionFacts.Origin.POLICY || !(facts.expiry() instanceof PointExpiry.ByRules)) {
                continue;
            }
            Instant limit = judged.verdict().timeLimit().orElse(now);
            if (judged.verdict().openEnded()) {
                Instant fresh = keepFor.expiryOf(now, ZoneOffset.UTC).orElse(limit);
                limit = fresh.isAfter(limit) ? fresh : limit;
            }
            catalog.pointRetentions().pin(facts.id(), PointExpiry.at(limit), limit);
            pinned++;
        }
        return pinned;
    }

    private PointRetention row(String pointId) {
        return catalog.pointRetentions().find(pointId).orElseThrow(() -> notFound(pointId));
    }

    private static CofferException notFound(String pointId) {
        return new CofferException(ErrorCode.PointNotFound, "no point '" + pointId + "' in the catalog");
    }
}
