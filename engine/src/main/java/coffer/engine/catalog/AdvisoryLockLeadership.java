package coffer.engine.catalog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.zip.CRC32;

/**
 * The lead on a PostgreSQL catalog: a session-level advisory lock ({@code pg_try_advisory_lock}) held on a
 * connection of its own, outside the pool. PostgreSQL releases the lock when that session ends, so:
 * <ul>
 *   <li>a holder that exits, crashes or is killed (-9) loses it at once: the kernel closes its socket;</li>
 *   <li>a holder that stops answering (a frozen process, a host gone without closing the connection) loses it
 *       within {@link #IDLE_LIMIT}: the session is opened with {@code idle_session_timeout} (and TCP
 *       keep-alives), and a live holder touches it at every {@link #lead()}, which it calls more often;</li>
 *   <li>a holder whose session was ended finds out at its next {@link #lead()} (the check fails), gives the
 *       lead up and tries again on a new connection.</li>
 * </ul>
 * Thread-safe (synchronized; one connection).
 */
final class AdvisoryLockLeadership implements Leadership {
    private static final Logger LOG = LoggerFactory.getLogger(AdvisoryLockLeadership.class);
    /** The first half of the lock's key: "Coff", so Coffer's advisory locks are told apart from others'. */
    static final int KEY_SPACE = 0x436F6666;
    /** A session idle this long is ended by PostgreSQL, releasing the lead: call {@link #lead()} more often. */
    static final Duration IDLE_LIMIT = Duration.ofSeconds(10);
    private static final int CHECK_TIMEOUT_SECONDS = 3;

    private final CatalogConfig config;
    private final String name;
    private final int key;
    private Connection connection;
    private boolean held;

    AdvisoryLockLeadership(CatalogConfig config, String name) {
        this.config = config;
        this.name = name;
        this.key = key(name);
    }

    /** The second half of the lock's key: a CRC-32 of the lead's name. */
    static int key(String name) {
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    @Override
    public synchronized boolean lead() {
        try {
            if (held) {
                if (connection.isValid(CHECK_TIMEOUT_SECONDS)) {
                    return true;
                }
                LOG.warn("lost the lead '{}': its catalog session ended", name);
                drop();
                return false;
            }
            if (connection == null || !connection.isValid(CHECK_TIMEOUT_SECONDS)) {
                drop();
                connection = open();
            }
            try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
                statement.setInt(1, KEY_SPACE);
                statement.setInt(2, key);
                try (ResultSet row = statement.executeQuery()) {
                    held = row.next() && row.getBoolean(1);
                }
            }
            if (held) {
                LOG.info("took the lead '{}'", name);
            }
            return held;
        } catch (SQLException e) {
            LOG.warn("cannot take or keep the lead '{}': {}", name, e.getMessage());
            drop();
            return false;
        }
    }

    /** A connection of its own to the catalog, outside the pool (also {@link JobNotices}'s). */
    static Connection connect(CatalogConfig config, String application) throws SQLException {
        Properties properties = new Properties();
        if (config.user() != null) {
            properties.setProperty("user", config.user());
        }
        if (config.password() != null) {
            properties.setProperty("password", config.password().reveal());
        }
        properties.setProperty("ApplicationName", application);
        properties.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(config.jdbcUrl(), properties);
    }

    private Connection open() throws SQLException {
        Connection opened = connect(config, "coffer lead " + name);
        try (Statement statement = opened.createStatement()) {
            try {
                statement.execute("SET idle_session_timeout = " + IDLE_LIMIT.toMillis());
            } catch (SQLException older) { // PostgreSQL before 14 has no such setting
                LOG.warn("the catalog's PostgreSQL has no idle_session_timeout ({}): a frozen holder of the lead '{}'"
                        + " keeps it until its connection drops", older.getMessage(), name);
            }
            statement.execute("SET tcp_keepalives_idle = 5");
            statement.execute("SET tcp_keepalives_interval = 2");
            statement.execute("SET tcp_keepalives_count = 3");
        } catch (SQLException e) {
            opened.close();
            throw e;
        }
        return opened;
    }

    private void drop() {
        held = false;
        if (connection != null) {
            try {
                connection.close(); // ends the session: PostgreSQL releases the lock with it
            } catch (SQLException e) {
                LOG.debug("closing the lead's connection: {}", e.getMessage());
            }
            connection = null;
        }
    }

    @Override
    public synchronized void close() {
        drop();
    }
}
