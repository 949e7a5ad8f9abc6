package coffer.vault;

import coffer.vault.backend.Backend;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.backend.ObjectNotFoundException;
import coffer.vault.format.Json;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The held objects of one sort under a prefix (the lock objects, a point id's claims, a point's leases; all claims or
 * all leases for gc), judged alike by whoever lists them (docs/design/locking.md). One listing, then for each object:
 * one of this process whose removal failed ({@link LeftBehind}) is abandoned: removed once more, no holder; one gone
 * meanwhile is skipped; a stale one ({@link #isStale}) is removed, and when that fails it is remembered as left behind
 * (tried again at the next operation) and skipped all the same: it holds nothing either way; the rest are live. An
 * unreadable one counts as live (damage must not release anything) until it goes stale by its age. Requests: the
 * listing, a read of each other object, a delete of each stale one. Thread-safe.
 */
final class HeldObjects {
    private final Backend backend;
    private final LeftBehind leftBehind;
    /** What the objects are, to name an unreadable one: "lock", "claim", "lease". */
    private final String what;
    /** The kind an unreadable one counts as. */
    private final String unreadableKind;
    /** Opens a sealed purpose for the messages of key holders. */
    private final LockPurpose purposes;

    HeldObjects(Backend backend, LeftBehind leftBehind, String what, String unreadableKind, LockPurpose purposes) {
        this.backend = backend;
        this.purposes = purposes;
        this.leftBehind = leftBehind;
        this.what = what;
        this.unreadableKind = unreadableKind;
    }

    /** Whether a walk stops at a live object (it conflicts: the rest need not be read). */
    @FunctionalInterface
    interface StopAt {
        boolean test(VaultLocks.Body live);
    }

    /**
     * What a walk saw: the live object it stopped at (null: it went through), the listed modification time of the
     * walker's own object (null: none was named, or the listing missed it), how many stale objects it removed and how
     * many it could not (remembered as left behind).
     */
    record Walk(VaultLocks.Body stoppedAt, Instant mine, int staleRemoved, int staleLeft) {
    }

    /**
     * Lists {@code prefix} and judges each object but {@code mine} (the walker's own, or null), in listing order,
     * until {@code stop} holds for a live one.
     */
    Walk walk(String prefix, String mine, StopAt stop) throws IOException {
        List<ObjectInfo> all = backend.list(prefix);
        Instant published = all.stream().filter(info -> info.name().equals(mine)).map(ObjectInfo::modified)
                .findFirst().orElse(null);
        int removed = 0;
        int left = 0;
        for (ObjectInfo info : all) {
            if (info.name().equals(mine)) {
                continue;
            }
            if (leftBehind.contains(info.name())) {
                leftBehind.removeFound(info.name());
                continue;
            }
            VaultLocks.Body body = readBody(info);
            if (body == null) {
                continue;
            }
            if (isStale(info, body)) {
                if (leftBehind.removeStale(info.name())) {
                    removed++;
                } else {
                    left++;
                }
                continue;
            }
            if (stop.test(body)) {
                return new Walk(body, published, removed, left);
            }
        }
        return new Walk(null, published, removed, left);
    }

    /** The live objects under {@code prefix}, in listing order. */
    List<VaultLocks.Body> live(String prefix) throws IOException {
        List<VaultLocks.Body> live = new ArrayList<>();
        walk(prefix, null, body -> {
            live.add(body);
            return false;
        });
        return live;
    }

    /** Removes the stale objects under {@code prefix} (gc: those of processes that ended without releasing them). */
    StaleRemoval removeStale(String prefix) throws IOException {
        Walk walk = walk(prefix, null, body -> false);
        return new StaleRemoval(walk.staleRemoved(), walk.staleLeft());
    }

    /**
     * The body of the object {@code info} names; null when it is gone meanwhile. An unreadable one counts as a live
     * object of {@link #unreadableKind} until it goes stale by its age; so does one that reads as JSON but lacks what
     * every body Coffer writes has (its kind and host: {@code {}} or {@code null} written by someone with the storage,
     * docs/design/security.md), which before session 21 failed a gc with a {@link NullPointerException}.
     */
    private VaultLocks.Body readBody(ObjectInfo info) throws IOException {
        VaultLocks.Body body;
        try {
            body = Json.MAPPER.readValue(backend.get(info.name()).array(), VaultLocks.Body.class);
        } catch (ObjectNotFoundException released) {
            return null;
        } catch (com.fasterxml.jackson.core.JacksonException unreadable) {
            return unreadable(info);
        }
        return body == null || body.kind() == null || body.host() == null ? unreadable(info)
                : purposes.revealed(info.name(), body);
    }

    private VaultLocks.Body unreadable(ObjectInfo info) {
        return new VaultLocks.Body(unreadableKind, "?", -1, "unreadable " + what + " " + info.name(), info.modified());
    }

    /**
     * Not rewritten for {@link VaultLocks#STALE}, or of a process of this host and boot that no longer exists (one of
     * another machine of the same host name is judged by its age only: {@link VaultLocks.Body#holderGoneFromThisBoot}).
     */
    private static boolean isStale(ObjectInfo info, VaultLocks.Body body) {
        return info.modified().isBefore(Instant.now().minus(VaultLocks.STALE)) || body.holderGoneFromThisBoot();
    }
}
