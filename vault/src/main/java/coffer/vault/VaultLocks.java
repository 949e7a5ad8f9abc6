package coffer.vault;

import coffer.vault.backend.Backend;
import coffer.vault.format.Json;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Shared and exclusive vault locks, kept as objects under {@code locks/} so they work on every backend and
 * across processes and hosts (docs/design/locking.md).
 *
 * <p>Protocol: write your own lock object, then list all locks. You hold the lock when no live lock
 * conflicts (shared conflicts with exclusive; exclusive with everything); otherwise delete yours and retry
 * until the wait runs out. Two contenders each publish before they list, so at least one sees the other:
 * never both win. A lock is refreshed every {@link #REFRESH}; one not refreshed for {@link #STALE}, or held
 * by a process of this host and boot that no longer exists ({@link Body#holderGoneFromThisBoot}), is stale and removed by whoever finds it.
 *
 * <p>Thread-safe.
 */
public final class VaultLocks {
    static final Duration REFRESH = Duration.ofMinutes(2);
    static final Duration STALE = Duration.ofMinutes(15);
    private static final String PREFIX = "locks/";

    private final Backend backend;
    /** This process's held objects of the vault whose removal failed: tried again at each acquire and release here. */
    private final LeftBehind leftBehind;
    private final HeldObjects lockObjects;
    /** How a lock's purpose is stored: sealed in an encrypted vault. */
    private final LockPurpose purposes;

    VaultLocks(Backend backend) {
        this(backend, new LeftBehind(backend));
    }

    VaultLocks(Backend backend, LeftBehind leftBehind) {
        this(backend, leftBehind, LockPurpose.PLAIN);
    }

    VaultLocks(Backend backend, LeftBehind leftBehind, LockPurpose purposes) {
        this.backend = backend;
        this.leftBehind = leftBehind;
        this.purposes = purposes;
        this.lockObjects = new HeldObjects(backend, leftBehind, "lock", Kind.EXCLUSIVE.name(), purposes);
    }

    public enum Kind { SHARED, EXCLUSIVE }

    /**
     * How long a lock may go without a refresh before another process removes it as stale. gc's grace period must
     * exceed it (docs/design/assurance.md): a writer whose lock was wrongly found stale still keeps what it wrote.
     */
    public static Duration staleAfter() {
        return STALE;
    }

    /**
     * A lock's, lease's or claim's body as stored (docs/format/lock.md). Version 2 (session 22) adds {@code boot}, the
     * holder's boot id ({@link BootId}), and {@code sealedPurpose} ({@link LockPurpose}); a version 1 body (neither, no
     * {@code version}) reads as before and is judged by its host name and pid alone.
     *
     * @param purpose       what holds it, for people; in an encrypted vault only {@link LockPurpose#SEALED} as stored
     * @param boot          the holder's boot id; null in a version 1 body or where the kernel does not say
     * @param sealedPurpose the purpose sealed with the vault's key (base64); null in a vault without encryption
     * @param version       2; null in a version 1 body
     * @param machine       the holder's machine id ({@link MachineId}; since session 23, still version 2); null before,
     *                      or where the machine has none
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record Body(String kind, String host, long pid, String purpose, Instant createdAt, String boot,
                String sealedPurpose, Integer version, String machine) {
        static final int VERSION = 2;

        /** A version 1 body (as written before session 22). */
        Body(String kind, String host, long pid, String purpose, Instant createdAt) {
            this(kind, host, pid, purpose, createdAt, null, null, null);
        }

        /** A version 2 body without the machine id (as written in session 22). */
        Body(String kind, String host, long pid, String purpose, Instant createdAt, String boot, String sealedPurpose,
             Integer version) {
            this(kind, host, pid, purpose, createdAt, boot, sealedPurpose, version, null);
        }

        /** The body of a lock, claim or lease of {@code kind} taken now by this process. */
        static Body ofThisProcess(String kind, String purpose, String sealedPurpose) {
            EarlierBoots.rememberThisBoot();
            return new Body(kind, hostName(), ProcessHandle.current().pid(), purpose, Instant.now(), BootId.get(),
                    sealedPurpose, VERSION, MachineId.get());
        }

        /** As stored. */
        byte[] bytes() throws IOException {
            return Json.MAPPER.writeValueAsBytes(this);
        }

        Body withPurpose(String shown) {
            return new Body(kind, host, pid, shown, createdAt, boot, sealedPurpose, version, machine);
        }

        /**
         * Whether its holder is a process of this host and boot that no longer exists: then it holds nothing at once.
         * A body of another boot (another machine of the same host name) never is; it goes stale by its age only,
         * except one of this machine's earlier boots (its machine id and a boot this machine remembers,
         * {@link BootId#earlierBootOfThisMachine}, since session 23), whose process is gone whatever its pid. A version
         * 1 body is judged by host name and pid, as before.
         */
        boolean holderGoneFromThisBoot() {
            if (!hostName().equals(host)) {
                return false;
            }
            if (!BootId.sameBoot(boot)) {
                return BootId.earlierBootOfThisMachine(boot, machine);
            }
            return pid > 0 && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        }

        /**
         * Its holder for a person: "pid 12 on kvm-1 (boot 1a2b3c4d) since …". The boot is whatever the stored body
         * says (someone with the storage may write a short one): at most its first 8 characters are shown.
         */
        String holder() {
            return "pid " + pid + " on " + host + (boot == null ? "" : " (boot " + boot.substring(0, Math.min(8, boot.length())) + ")")
                    + " since " + createdAt;
        }
    }

    /** A held lock; closing it releases it. */
    public static final class Lock implements AutoCloseable {
        private final HeldObject held;
        private final Instant since;

        private Lock(HeldObject held, Instant since) {
            this.held = held;
            this.since = since;
        }

        /**
         * When the backend recorded this lock's publication, by the backend's clock (the clock of every other
         * object's modification time): whatever another holder did under the lock it saw came after this.
         */
        public Instant since() {
            return since;
        }

        /** The lock's object name, {@code locks/<kind>-<uuid>}. */
        public String name() {
            return held.name();
        }

        /**
         * Releases the lock ({@link HeldObject#close}: three tries, then remembered as left behind; a cancelled holder
         * releases too). A lock object left behind by a live process blocks gc and the chunk removal of failed backups
         * until it goes stale.
         */
        @Override
        public void close() throws IOException {
            held.close();
        }
    }

    /** Takes a shared lock (backups), waiting up to {@code wait} while an exclusive holder (gc sweep) works. */
    public Lock shared(String purpose, Duration wait) throws IOException {
        return acquire(Kind.SHARED, purpose, wait);
    }

    /** Takes the exclusive lock (gc sweep), waiting up to {@code wait} for other holders to finish. */
    public Lock exclusive(String purpose, Duration wait) throws IOException {
        return acquire(Kind.EXCLUSIVE, purpose, wait);
    }

    private Lock acquire(Kind kind, String purpose, Duration wait) throws IOException {
        leftBehind.retry();
        Instant deadline = Instant.now().plus(wait);
        String name = PREFIX + kind.name().toLowerCase() + "-" + UUID.randomUUID();
        byte[] body = purposes.ofThisProcess(kind.name(), name, purpose).bytes();
        long backoff = 50;
        while (true) {
            HeldObject held = HeldObject.publish(backend, leftBehind, name, body);
            HeldObjects.Walk listed;
            try {
                listed = lockObjects.walk(PREFIX, name, other -> kind == Kind.EXCLUSIVE
                        || Kind.EXCLUSIVE.name().equals(other.kind()));
            } catch (IOException | RuntimeException e) {
                held.closeAfter(e); // a lock of a live process would block others until stale
                throw e;
            }
            Body conflict = listed.stoppedAt();
            if (conflict == null) {
                return new Lock(held, listed.mine() == null ? Instant.now() : listed.mine());
            }
            held.close();
            if (Instant.now().isAfter(deadline)) {
                throw new VaultBusyException("the vault is busy: " + conflict.purpose() + " ("
                        + conflict.kind().toLowerCase() + " lock of " + conflict.holder() + "); retry when it has finished");
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for a vault lock");
            }
            backoff = Math.min(backoff * 2, 2000);
        }
    }

    static String hostName() {
        return HostName.get();
    }
}
