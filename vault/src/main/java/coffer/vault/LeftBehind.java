package coffer.vault;

import coffer.vault.backend.Backend;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This process's held objects of one vault (lock objects, claims, leases: {@link HeldObject}) whose removal failed
 * three times. One left behind by a live process counts as held until it goes stale ({@link VaultLocks#STALE}): a lock
 * blocks gc and the chunk removal of failed backups, a claim refuses this process's own next run of its replication, a
 * lease refuses its point's deletion. So each is tried again at this process's next lock, claim or lease operation on
 * the vault ({@link #retry}), and one met while judging conflicts is known abandoned, not live ({@link #contains}).
 * The names are this process's own random ones, abandoned when remembered (never held again). Stale objects of any
 * process found in a listing whose removal failed ({@link #removeStale}: gc's, a taker's) are remembered alike: they
 * hold nothing. (One wrongly judged stale, of a process that stalled for {@link VaultLocks#STALE}, is removed later
 * than it would have been: its holder's next refresh puts it back either way.) Thread-safe.
 */
final class LeftBehind {
    private final Backend backend;
    private final Set<String> names = ConcurrentHashMap.newKeySet();

    LeftBehind(Backend backend) {
        this.backend = backend;
    }

    /**
     * Deletes held object {@code name}, trying again on failure (three tries in all); when that fails, remembers it
     * (to be tried again at the next operation) and throws the failure.
     */
    void remove(String name) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                backend.delete(name);
                return;
            } catch (IOException e) {
                if (attempt == 3) {
                    names.add(name);
                    throw e;
                }
            } catch (RuntimeException e) {
                names.add(name);
                throw e;
            }
        }
    }

    /**
     * Deletes {@code name}, a stale held object found in a listing, as {@link #remove} does; when every try fails it is
     * remembered (it holds nothing: tried again at the next operation, abandoned when met again) and false returned.
     */
    boolean removeStale(String name) {
        try {
            remove(name);
            return true;
        } catch (IOException stillThere) {
            return false;
        }
    }

    /** Whether {@code name} is an object whose removal failed: abandoned, not held. */
    boolean contains(String name) {
        return names.contains(name);
    }

    /**
     * Removes {@code name}, an abandoned object of this process met on the way, once; when that fails it stays
     * remembered (it still counts as abandoned).
     */
    void removeFound(String name) {
        try {
            backend.delete(name);
            names.remove(name);
        } catch (IOException | RuntimeException stillThere) {
            // the next operation tries again; at worst it goes stale
        }
    }

    /** Tries once more to delete each remembered object; keeps those that fail again. No request when none is. */
    void retry() {
        for (String name : names) {
            removeFound(name);
        }
    }
}
