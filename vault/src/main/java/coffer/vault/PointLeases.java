package coffer.vault;

import coffer.vault.backend.Backend;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * Leases that keep a point from deletion while it is served (a mount, a file browser, an instant restore:
 * docs/design/live-access.md), kept as objects {@code leases/<point id>/<uuid>} so they hold across processes and
 * hosts, whoever deletes (the server, a retention sweep, {@code coffer point delete --vault}). A lease has the body
 * of a vault lock ({@link VaultLocks}: kind {@code SERVE}, host, pid, purpose, time), is rewritten every
 * {@link VaultLocks#REFRESH} while held, and is stale, like a lock, when not rewritten for {@link VaultLocks#STALE}
 * or when its process on this host is gone (so a {@code kill -9} of the server releases it). A lease conflicts with
 * nothing but the deletion of its point: backups, gc and restores ignore it (gc only sweeps chunks no manifest
 * names, and the served point's manifest stays).
 *
 * <p>Thread-safe.
 */
public final class PointLeases {
    static final String PREFIX = "leases/";
    private static final String KIND = "SERVE";

    /** Whether a delete of a point is under way (its delete marker is published): {@link Vault#deletionUnderway}. */
    @FunctionalInterface
    interface DeletionCheck {
        boolean underway(String pointId) throws IOException;
    }

    private final Backend backend;
    private final LeftBehind leftBehind;
    private final DeletionCheck deletions;
    private final HeldObjects leases;
    /** How a lease's purpose is stored: sealed in an encrypted vault. */
    private final LockPurpose purposes;

    PointLeases(Backend backend, LeftBehind leftBehind, DeletionCheck deletions, LockPurpose purposes) {
        this.backend = backend;
        this.leftBehind = leftBehind;
        this.deletions = deletions;
        this.purposes = purposes;
        this.leases = new HeldObjects(backend, leftBehind, "lease", KIND, purposes);
    }

    /** A held lease; closing it releases it. */
    public final class Lease implements AutoCloseable {
        private final HeldObject held;

        private Lease(HeldObject held) {
            this.held = held;
        }

        @Override
        public void close() throws IOException {
            held.close();
        }
    }

    /**
     * Takes a lease on {@code pointId} for {@code purpose} (shown to whoever is refused a delete). The lease is
     * published, then the point's delete marker looked for: a delete that judged the point before the lease landed
     * has published its marker by then, so the lease is given back and the take fails; a later delete sees the lease.
     *
     * @throws VaultBusyException when a delete of the point is under way
     */
    public Lease take(String pointId, String purpose) throws IOException {
        PointIds.check(pointId);
        leftBehind.retry();
        String name = PREFIX + pointId + "/" + UUID.randomUUID();
        byte[] body = purposes.ofThisProcess(KIND, name, purpose).bytes();
        // a put that failed after landing is removed again: a live process's lease would refuse the point's deletion
        // until it went stale, though nothing serves it
        HeldObject held = HeldObject.publish(backend, leftBehind, name, body);
        boolean deleting;
        try {
            deleting = deletions.underway(pointId);
        } catch (IOException | RuntimeException e) {
            held.closeAfter(e);
            throw e;
        }
        if (deleting) {
            VaultBusyException busy = new VaultBusyException("point '" + pointId + "' is being deleted; it cannot be "
                    + "served");
            held.closeAfter(busy);
            throw busy;
        }
        return new Lease(held);
    }

    /**
     * The live leases of {@code pointId}, described for a person ("mount of … (pid 12 on host since …)"); stale
     * ones found on the way are removed. An unreadable lease counts as live (damage must not make a served point
     * deletable) until it goes stale by its age. A lease of this process whose release failed ({@link LeftBehind}) is
     * abandoned, not live: it is removed (with the vault's other such objects of this process) and not counted.
     */
    public List<String> live(String pointId) throws IOException {
        leftBehind.retry();
        return leases.live(PREFIX + pointId + "/").stream().map(lease -> lease.purpose() + " (" + lease.holder() + ")")
                .toList();
    }

    /**
     * Removes the stale leases of every point (judged as {@link #live} judges them): those of servers killed for good
     * on points nobody deletes stay otherwise. gc calls it (docs/design/gc.md). One whose removal fails is left behind
     * ({@link LeftBehind}), not thrown.
     */
    public StaleRemoval removeStale() throws IOException {
        return leases.removeStale(PREFIX);
    }
}
