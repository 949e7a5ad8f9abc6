package coffer.engine.catalog;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Jobs queued or cancelled by any server of a PostgreSQL catalog, heard at once by the others: every change
 * ({@link SqlJobs#changed}) sends {@code NOTIFY coffer_jobs_changed}, and this listens on a connection of its own
 * (outside the pool, as the lead's), so an agent's waiting claim (docs/design/agents.md "Long polls") wakes when another
 * server queued a job for its host. Started at the first subscription; a lost connection is opened again after a
 * second (what was sent meanwhile is missed: the waiting claims also look at the catalog every second). SQLite has
 * one server per file: its changes are all local ({@link SqlJobs#whenChanged}). Thread-safe.
 */
final class JobNotices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobNotices.class);
    static final String CHANNEL = "coffer_jobs_changed";
    private static final int WAIT_MILLIS = 1000;

    private final CatalogConfig config;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private Thread listening;
    private volatile boolean closed;

    JobNotices(CatalogConfig config) {
        this.config = config;
    }

    /** Calls {@code listener} (on the listening thread: it must be quick) when any server changed the jobs. */
    coffer.engine.job.Jobs.Subscription subscribe(Runnable listener) {
        listeners.add(listener);
        synchronized (this) {
            if (listening == null && !closed) {
                listening = Thread.ofPlatform().daemon().name("coffer-job-notices").start(this::listen);
            }
        }
        return () -> listeners.remove(listener);
    }

    private void listen() {
        while (!closed) {
            try (Connection connection = AdvisoryLockLeadership.connect(config, "coffer job notices");
                 Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + CHANNEL);
                PGConnection notices = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] heard = notices.getNotifications(WAIT_MILLIS);
                    if (heard != null && heard.length > 0) {
                        listeners.forEach(Runnable::run);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("cannot hear the catalog's job changes ({}); trying again in a second", e.getMessage());
                try {
                    Thread.sleep(Duration.ofSeconds(1));
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Stops listening (within {@value #WAIT_MILLIS} ms). */
    @Override
    public void close() {
        closed = true;
        Thread thread;
        synchronized (this) {
            thread = listening;
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofMillis(WAIT_MILLIS * 3L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
