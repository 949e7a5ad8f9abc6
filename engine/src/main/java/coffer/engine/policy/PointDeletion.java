package coffer.engine.policy;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.PointFacts;

import java.time.Instant;

/**
 * Whether a person may delete a point now (retention's own deletions are decided by {@link Verdict}).
 * A point made under an immutable policy cannot be deleted, by any role, before it expires
 * (the seed: "the backup point cannot be deleted until it automatically expires"). Its lock lasts until
 * its time limit: pinned expiry, keep-for and calendar rules; for a point set to never expire, forever.
 * Open-ended rules (keep-latest, newest point) keep a point but do not lock it.
 *
 * <p>Deleting the newest point of an instance is allowed: every point is self-contained in the vault,
 * so no other point loses data; the next backup of the instance finds no base and reads every disk in
 * full (docs/design/change-tracking.md). Stateless.
 */
public final class PointDeletion {
    private PointDeletion() {
    }

    /**
     * Whether a point may be deleted offline ({@code point delete --vault}), where no catalog tells its policy's
     * rules and so its time limit: a point whose facts record that an immutable policy made it
     * ({@code plan.immutable}; {@code policy.immutable} in manifests before version 3) is refused, whatever its age;
     * the server deletes it once it has expired. (A hold the vault keeps is the vault's own refusal.)
     *
     * @param facts the point's facts
     * @throws CofferException {@code BackupPointImmutable} naming the point and its policy
     */
    public static void requireAllowedOffline(String pointId, PointFacts facts) {
        PointFacts.Plan plan = facts.plan();
        if (plan != null && plan.immutable()) {
            throw new CofferException(ErrorCode.BackupPointImmutable, "point " + pointId + " was made by policy "
                    + plan.policy() + ", which makes its points immutable until they expire; offline, without that"
                    + " policy's rules, its expiry is unknown, so it is not deleted: delete it through the server once it"
                    + " has expired");
        }
    }

    /**
     * @param current the point's verdict at {@code now} (from {@link Retention#evaluate})
     * @throws CofferException {@code BackupPointImmutable} naming the point and when it can be deleted
     */
    public static void requireAllowed(RetentionFacts point, Verdict current, Instant now) {
        requireAllowed(point, current, now, false);
    }

    /**
     * The same for a point a person extended ({@code extended}): an extended point cannot be deleted before it
     * expires, as an immutable one (docs/design/policies.md, "Permanent retention and extensions").
     */
    public static void requireAllowed(RetentionFacts point, Verdict current, Instant now, boolean extended) {
        if (extended && !point.immutable()) {
            if (point.expiry() instanceof PointExpiry.Never) {
                throw new CofferException(ErrorCode.BackupPointImmutable, "point " + point.id()
                        + " was extended to never expire; an extended point cannot be deleted before it expires");
            }
            if (point.expiry() instanceof PointExpiry.At(Instant until) && until.isAfter(now)) {
                throw new CofferException(ErrorCode.BackupPointImmutable, "point " + point.id() + " was extended to "
                        + until + "; an extended point cannot be deleted before it expires");
            }
            return;
        }
        if (!point.immutable()) {
            return;
        }
        if (point.expiry() instanceof PointExpiry.Never) {
            throw new CofferException(ErrorCode.BackupPointImmutable, "point " + point.id()
                    + " is immutable and set to never expire; it cannot be deleted");
        }
        current.timeLimit().filter(limit -> limit.isAfter(now)).ifPresent(limit -> {
            throw new CofferException(ErrorCode.BackupPointImmutable, "point " + point.id()
                    + " is immutable until it expires at " + limit + " (" + current.reasons()
                    + "); it can be deleted after that");
        });
    }
}
