package coffer.vault;

import coffer.vault.backend.Backend;

import java.io.IOException;
import java.util.UUID;

/**
 * Claims on writing a point whose id the writer chose (a replica's: every attempt of a replication writes the same id,
 * docs/design/replication.md), so that two writers of one id never run at once: the second would rewrite the first's
 * indexes, and when it failed after its manifest its cleanup would remove a replica the first had published. A claim is
 * an object {@code claims/<point id>/<uuid>} with the body of a vault lock ({@link VaultLocks}: kind {@code WRITE}, host,
 * pid, purpose, time), rewritten every {@link VaultLocks#REFRESH} while held and stale, like a lock, when not rewritten
 * for {@link VaultLocks#STALE} or when its process on this host is gone (docs/format/README.md). Claims conflict only
 * with claims of the same id; backups, gc, deletes and restores ignore them.
 *
 * <p>Protocol, as a lock's: publish the claim, then list the id's claims; another live one means the id is being
 * written, and the claim is given back ({@link VaultBusyException}). Two contenders each publish before they list, so
 * never both go on (both may give up: the next attempt gets through).
 *
 * <p>Thread-safe.
 */
public final class PointClaims {
    static final String PREFIX = "claims/";
    private static final String KIND = "WRITE";

    private final Backend backend;
    private final LeftBehind leftBehind;
    private final HeldObjects claims;
    /** How a claim's purpose is stored: sealed in an encrypted vault. */
    private final LockPurpose purposes;

    PointClaims(Backend backend, LeftBehind leftBehind, LockPurpose purposes) {
        this.backend = backend;
        this.leftBehind = leftBehind;
        this.purposes = purposes;
        this.claims = new HeldObjects(backend, leftBehind, "claim", KIND, purposes);
    }

    /** A held claim; closing it releases it. */
    public static final class Claim implements AutoCloseable {
        private final HeldObject held;

        private Claim(HeldObject held) {
            this.held = held;
        }

        @Override
        public void close() throws IOException {
            held.close();
        }
    }

    /**
     * Claims the writing of point {@code pointId} for {@code purpose} (shown to whoever is refused). This process's
     * claims (and locks and leases) on the vault whose release failed are removed first ({@link LeftBehind}); such a
     * claim met in the listing is this process's own, abandoned: removed, not a conflict (before, it refused this
     * process's own next run of the replication until it went stale).
     *
     * @throws VaultBusyException when another live claim on the id exists (its purpose, process and time named)
     */
    public Claim take(String pointId, String purpose) throws IOException {
        PointIds.check(pointId);
        leftBehind.retry();
        String prefix = PREFIX + pointId + "/";
        String name = prefix + UUID.randomUUID();
        byte[] body = purposes.ofThisProcess(KIND, name, purpose).bytes();
        HeldObject held = HeldObject.publish(backend, leftBehind, name, body);
        try {
            VaultLocks.Body other = claims.walk(prefix, name, live -> true).stoppedAt();
            if (other != null) {
                throw new VaultBusyException(purpose + " is already running: " + other.purpose() + " ("
                        + other.holder() + "); retry when it has finished");
            }
        } catch (IOException | RuntimeException e) {
            held.closeAfter(e);
            throw e;
        }
        return new Claim(held);
    }

    /**
     * Removes the stale claims of every point id (judged as {@link #take} judges them): those of runs killed for good,
     * which nothing takes again, stay otherwise. gc calls it (docs/design/gc.md). One whose removal fails is left
     * behind ({@link LeftBehind}), not thrown.
     */
    public StaleRemoval removeStale() throws IOException {
        return claims.removeStale(PREFIX);
    }
}
