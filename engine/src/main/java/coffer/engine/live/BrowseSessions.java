package coffer.engine.live;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.vault.Vault;
import coffer.virt.guestfs.Guestfs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Browsing sessions of points' disks kept between requests (docs/design/live-access.md): one {@link PointFiles} (the
 * disk served under a lease, a libguestfs appliance booted) per vault, point and disk, reused by later listings and
 * exports of the same disk, so the appliance's boot (tens of seconds under TCG) is paid once per session, not per
 * request. A session is closed when it was not used for {@link Limits#idle()}, when a call on it was cancelled or
 * failed in a way that may have left the appliance unusable, and when the pool is closed (the server stops); closing
 * stops the appliance, closes the export and releases the point's lease.
 *
 * <p>At most {@link Limits#sessions()} sessions are kept (each appliance holds about 450 MiB): a request for another
 * disk when the pool is full closes the least recently used idle session, or, when every kept session is busy,
 * runs in a session of its own closed after the request (as {@link PointBrowse} does). A request for a disk whose
 * session is busy (an export writing from it) also gets a session of its own rather than waiting. A pool with
 * {@code sessions} 0 keeps nothing ({@link #oneOff()}: a command line's process, which ends after one request).
 *
 * <p>Thread-safe: the map is guarded by {@code this}; each session's appliance is used by one request at a time
 * (its lock).
 */
public final class BrowseSessions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrowseSessions.class);

    /** How long an unused session is kept and how many are kept at most. */
    public record Limits(Duration idle, int sessions) {
        /** Two minutes, two sessions (two appliances of 512 MiB). */
        public static final Limits DEFAULTS = new Limits(Duration.ofMinutes(2), 2);

        public Limits {
            if (idle.isNegative() || idle.isZero() || sessions < 0) {
                throw new IllegalArgumentException("browsing sessions: idle time must be positive and the count at least 0, not "
                        + idle + " and " + sessions);
            }
        }
    }

    /** One kept session as seen from outside: its disk, when it was opened and last used, how many requests it served. */
    public record SessionView(String vault, String point, String disk, Instant opened, Instant lastUsed, int uses) {
    }

    /** Opens a browsing session (the appliance boot); tests count boots through it. */
    public interface Opener {
        PointFiles open(Vault vault, String point, String disk, Path runtimeRoot);

        Opener DEFAULT = (vault, point, disk, runtimeRoot) ->
                PointFiles.open(vault, point, disk, runtimeRoot.resolve("files"), Guestfs.Options.DEFAULT);
    }

    private record Key(String vault, String point, String disk) {
    }

    private static final class Session {
        final Key key;
        final ReentrantLock lock = new ReentrantLock();
        PointFiles files; // guarded by lock
        String mounted; // guarded by lock
        Instant opened; // guarded by lock
        volatile Instant lastUsed;
        volatile int uses;
        volatile boolean closed;

        Session(Key key, Instant now) {
            this.key = key;
            this.lastUsed = now;
        }
    }

    private final Limits limits;
    private final Path runtimeRoot;
    private final Opener opener;
    private final Clock clock;
    private final Map<Key, Session> sessions = new LinkedHashMap<>(); // guarded by this
    private final ScheduledExecutorService reaper;
    private boolean closed; // guarded by this

    public BrowseSessions(Limits limits, Path runtimeRoot, Opener opener, Clock clock) {
        this.limits = limits;
        this.runtimeRoot = runtimeRoot;
        this.opener = opener;
        this.clock = clock;
        if (limits.sessions() == 0) {
            this.reaper = null;
        } else {
            this.reaper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("coffer-browse-reaper")
                    .factory());
            long period = Math.max(1, limits.idle().toMillis() / 4);
            reaper.scheduleWithFixedDelay(this::closeIdle, period, period, TimeUnit.MILLISECONDS);
        }
    }

    /** A pool that keeps nothing: each request boots and closes its own appliance (offline commands). */
    public static BrowseSessions oneOff(Path runtimeRoot) {
        return new BrowseSessions(new Limits(Duration.ofMinutes(1), 0), runtimeRoot, Opener.DEFAULT, Clock.systemUTC());
    }

    /** Runs {@code work} on the disk's files (partitions and file systems; whatever is mounted stays mounted). */
    public <T> T disk(Vault vault, String vaultName, String point, String disk, Function<PointFiles, T> work) {
        return use(vault, new Key(vaultName, point, disk), null, work);
    }

    /** Runs {@code work} with {@code filesystem} (null: the disk's only mountable one) mounted read-only. */
    public <T> T mounted(Vault vault, String vaultName, String point, String disk, String filesystem,
                         Function<PointFiles, T> work) {
        return use(vault, new Key(vaultName, point, disk), filesystem == null ? "" : filesystem, work);
    }

    private <T> T use(Vault vault, Key key, String filesystem, Function<PointFiles, T> work) {
        Session session = acquire(key);
        if (session == null) {
            return filesystem == null ? PointBrowse.disk(vault, key.point(), key.disk(), runtimeRoot, work)
                    : PointBrowse.mounted(vault, key.point(), key.disk(), filesystem.isEmpty() ? null : filesystem,
                    runtimeRoot, work);
        }
        boolean keep = false;
        try {
            if (session.files == null) {
                session.files = opener.open(vault, key.point(), key.disk(), runtimeRoot);
                session.opened = clock.instant();
                LOG.info("browsing session opened on disk {} of point {} (appliance boot {} ms)", key.disk(), key.point(),
                        session.files.launchTime().toMillis());
            }
            if (filesystem != null) {
                String device = filesystem.isEmpty() ? PointBrowse.onlyMountable(session.files.filesystems()) : filesystem;
                if (!device.equals(session.mounted)) {
                    session.mounted = null;
                    session.files.mount(device);
                    session.mounted = device;
                }
            }
            T result = work.apply(session.files);
            keep = true;
            return result;
        } catch (CofferException e) {
            keep = session.files != null && stillUsable(session, e);
            throw e;
        } finally {
            session.uses++;
            session.lastUsed = clock.instant();
            if (!keep) {
                discard(session, "its last request failed or was cancelled");
            }
            session.lock.unlock();
        }
    }

    /**
     * A failure the appliance answered (a bad or missing path, a file system it cannot mount, a file an export refused
     * from its stat before reading it) leaves the session usable.
     */
    private static boolean stillUsable(Session session, CofferException e) {
        if (e.code() != ErrorCode.InvalidArgument && e.code() != ErrorCode.ToolFailed
                && e.code() != ErrorCode.GuestPathNotFound && e.code() != ErrorCode.ExportTooSparse) {
            return false;
        }
        try {
            session.files.partitions();
            return true;
        } catch (RuntimeException dead) {
            return false;
        }
    }

    /** The session of {@code key}, locked for this request; null when this request gets a session of its own. */
    private Session acquire(Key key) {
        Session evicted = null;
        Session session;
        synchronized (this) {
            if (closed) {
                throw new CofferException(ErrorCode.Cancelled, "the server is stopping: browsing is closed");
            }
            if (limits.sessions() == 0) {
                return null;
            }
            session = sessions.get(key);
            if (session == null) {
                if (sessions.size() >= limits.sessions()) {
                    evicted = sessions.values().stream().filter(s -> !s.lock.isLocked())
                            .min(Comparator.comparing(s -> s.lastUsed)).orElse(null);
                    if (evicted == null) {
                        return null;
                    }
                    sessions.remove(evicted.key);
                }
                session = new Session(key, clock.instant());
                sessions.put(key, session);
            }
        }
        if (evicted != null) {
            closeEvicted(evicted);
        }
        if (!session.lock.tryLock()) {
            return null; // busy (an export from it): this request boots its own appliance rather than wait
        }
        if (session.closed) { // closed between the map and the lock: a session of its own
            session.lock.unlock();
            return null;
        }
        return session;
    }

    private void closeEvicted(Session evicted) {
        evicted.lock.lock();
        try {
            shut(evicted, "the pool was full");
        } finally {
            evicted.lock.unlock();
        }
    }

    /** Removes the session (its caller holds the session's lock) and closes it. */
    private void discard(Session session, String why) {
        synchronized (this) {
            sessions.remove(session.key, session);
        }
        shut(session, why);
    }

    private static void shut(Session session, String why) {
        session.closed = true;
        if (session.files != null) {
            LOG.info("browsing session on disk {} of point {} closed: {} ({} request(s))", session.key.disk(),
                    session.key.point(), why, session.uses);
            try {
                session.files.close();
            } catch (RuntimeException e) {
                LOG.warn("browsing session on disk {} of point {} did not close cleanly: {}", session.key.disk(),
                        session.key.point(), e.getMessage());
            }
            session.files = null;
        }
    }

    /** Closes the sessions not used for the idle time (a busy one is left to its request). */
    public void closeIdle() {
        Instant before = clock.instant().minus(limits.idle());
        List<Session> idle = new ArrayList<>();
        synchronized (this) {
            for (Session s : List.copyOf(sessions.values())) {
                if (s.lastUsed.isBefore(before) && s.lock.tryLock()) {
                    sessions.remove(s.key);
                    idle.add(s);
                }
            }
        }
        for (Session s : idle) {
            try {
                shut(s, "idle for " + limits.idle().toSeconds() + " s");
            } finally {
                s.lock.unlock();
            }
        }
    }

    /** The kept sessions, oldest first. */
    public synchronized List<SessionView> sessions() {
        return sessions.values().stream().filter(s -> s.opened != null)
                .map(s -> new SessionView(s.key.vault(), s.key.point(), s.key.disk(), s.opened, s.lastUsed, s.uses)).toList();
    }

    /** Closes every session, waiting for requests in flight; later requests are refused. */
    @Override
    public void close() {
        List<Session> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = List.copyOf(sessions.values());
            sessions.clear();
        }
        if (reaper != null) {
            reaper.shutdownNow();
        }
        for (Session s : all) {
            s.lock.lock();
            try {
                shut(s, "the server is stopping");
            } finally {
                s.lock.unlock();
            }
        }
    }

    /** Which disks have a kept session, for a log line. */
    @Override
    public synchronized String toString() {
        return "BrowseSessions" + sessions.keySet();
    }
}
