package coffer.vault;

import coffer.vault.backend.Backend;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.backend.ObjectNotFoundException;
import coffer.vault.format.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Shared and exclusive vault locks, kept as objects under {@code locks/} so they work on every backend and
 * across processes and hosts (docs/design/locking.md).
 *
 * <p>Protocol: write your own lock object, then list all locks. You hold the lock when no live lock
 * conflicts (shared conflicts with exclusive; exclusive with everything); otherwise delete yours and retry
 * until the wait runs out. Two contenders each publish before they list, so at least one sees the other:
 * never both win. A lock is refreshed every {@link #REFRESH}; one not refreshed for {@link #STALE}, or held
 * by a process of this host that no longer exists, is stale and removed by whoever finds it.
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

    VaultLocks(Backend backend) {
        this(backend, new LeftBehind(backend));
    }

    VaultLocks(Backend backend, LeftBehind leftBehind) {
        this.backend = backend;
        this.leftBehind = leftBehind;
    }

    public enum Kind { SHARED, EXCLUSIVE }

    /**
     * How long a lock may go without a refresh before another process removes it as stale. gc's grace period must
     * exceed it (docs/design/assurance.md): a writer whose lock was wrongly found stale still keeps what it wrote.
     */
    public static Duration staleAfter() {
        return STALE;
    }

    record Body(String kind, String host, long pid, String purpose, Instant createdAt) {
        /** The body of a lock, claim or lease of {@code kind} taken now by this process, as stored. */
        static byte[] ofThisProcess(String kind, String purpose) throws IOException {
            return Json.MAPPER.writeValueAsBytes(new Body(kind, hostName(), ProcessHandle.current().pid(), purpose,
                    Instant.now()));
        }
    }

    /** A held lock; closing it releases it. */
    public final class Lock implements AutoCloseable {
        private final String name;
        private final Instant since;
        private final HeldObject held;

        private Lock(String name, byte[] body, Instant since) {
            this.name = name;
            this.since = since;
            this.held = new HeldObject(backend, leftBehind, name, body);
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
            return name;
        }

        /**
         * Releases the lock (see {@link #remove}); a cancelled holder too: its interrupt is put aside meanwhile and
         * kept, as interrupted requests fail (the AWS SDK's).
         */
        @Override
        public void close() throws IOException {
            boolean interrupted = Thread.interrupted();
            try {
                held.stopRefreshing();
                try {
                    remove(name);
                } finally {
                    leftBehind.retry();
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Deletes lock object {@code name}, trying again on failure (three tries in all): a lock object left behind
     * by a live process blocks gc and the chunk removal of failed backups until it goes stale, so when all fail it
     * is remembered and tried again at this process's next operation ({@link LeftBehind}).
     */
    private void remove(String name) throws IOException {
        leftBehind.remove(name);
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
        byte[] body = Body.ofThisProcess(kind.name(), purpose);
        long backoff = 50;
        while (true) {
            try {
                backend.put(name, ByteBuffer.wrap(body));
            } catch (IOException | RuntimeException e) {
                try {
                    remove(name); // the put may have landed before it failed: a live process's lock blocks others
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            Listed listed;
            try {
                listed = conflictFor(kind, name);
            } catch (IOException | RuntimeException e) {
                try {
                    remove(name); // a lock of a live process would block others until stale
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            if (listed.conflict() == null) {
                return new Lock(name, body, listed.mine());
            }
            remove(name);
            if (Instant.now().isAfter(deadline)) {
                throw new VaultBusyException("the vault is busy: " + listed.conflict() + "; retry when it has finished");
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

    /**
     * What a listing of the locks showed: a description of the first live lock that conflicts (null: none), and
     * the modification time of the lock {@code mine} (null when the listing missed it).
     */
    private record Listed(String conflict, Instant mine) {
    }

    private Listed conflictFor(Kind kind, String mine) throws IOException {
        List<ObjectInfo> all = backend.list(PREFIX);
        Instant published = null;
        for (ObjectInfo info : all) {
            if (info.name().equals(mine)) {
                published = info.modified();
            }
        }
        for (ObjectInfo info : all) {
            if (info.name().equals(mine)) {
                continue;
            }
            if (leftBehind.contains(info.name())) {
                leftBehind.removeFound(info.name()); // this process's own, abandoned: not a holder
                continue;
            }
            Body other = readBody(backend, info, Kind.EXCLUSIVE.name(), "lock");
            if (other == null) {
                continue;
            }
            if (isStale(info, other)) {
                backend.delete(info.name());
                continue;
            }
            if (kind == Kind.EXCLUSIVE || Kind.EXCLUSIVE.name().equals(other.kind())) {
                return new Listed(other.purpose() + " (" + other.kind().toLowerCase() + " lock of pid " + other.pid()
                        + " on " + other.host() + " since " + other.createdAt() + ")", published);
            }
        }
        return new Listed(null, published == null ? Instant.now() : published);
    }

    /**
     * The body of a lock or lease object; null when it is gone meanwhile. An unreadable one counts as a live object of
     * {@code unreadableKind} (damage must not release anything) until it goes stale by its age.
     */
    static Body readBody(Backend backend, ObjectInfo info, String unreadableKind, String what) throws IOException {
        try {
            return Json.MAPPER.readValue(backend.get(info.name()).array(), Body.class);
        } catch (ObjectNotFoundException released) {
            return null;
        } catch (com.fasterxml.jackson.core.JacksonException unreadable) {
            return new Body(unreadableKind, "?", -1, "unreadable " + what + " " + info.name(), info.modified());
        }
    }

    /**
     * Removes the stale held objects under {@code prefix} (claims or leases of processes that ended without releasing
     * them: killed, or their release failed), judged as their takers judge them ({@link #isStale}); an unreadable one
     * goes only when stale by its age. Returns how many were removed.
     */
    static int removeStale(Backend backend, String prefix, String unreadableKind, String what) throws IOException {
        int removed = 0;
        for (ObjectInfo info : backend.list(prefix)) {
            Body body = readBody(backend, info, unreadableKind, what);
            if (body != null && isStale(info, body)) {
                backend.delete(info.name());
                removed++;
            }
        }
        return removed;
    }

    static boolean isStale(ObjectInfo info, Body body) {
        if (info.modified().isBefore(Instant.now().minus(STALE))) {
            return true;
        }
        return hostName().equals(body.host()) && body.pid() > 0
                && ProcessHandle.of(body.pid()).map(p -> !p.isAlive()).orElse(true);
    }

    static String hostName() {
        return HostName.get();
    }
}
