package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The catalog database's clock, read without a query: this JVM's clock ({@code base}) plus the offset between the
 * two, measured by {@link #measure()} (one connection of the catalog's pool, {@value #SAMPLES} {@code SELECT
 * clock_timestamp()}, not counted in {@link Catalog#statementsRun()}; the sample with the shortest round trip counts,
 * the database's time taken as that of the round trip's middle). The servers
 * sharing one PostgreSQL catalog stamp and judge job and agent heartbeats and decide when a plan's slot is due on
 * it, so that a server whose own clock is ahead or behind fails no healthy job (docs/design/jobs.md, "Whose clock").
 * A server measures at its start and again every minute.
 *
 * <p>On SQLite the catalog is a file of one server on one host: the database has no clock of its own (its
 * {@code 'now'} is that host's, the JVM's), so the offset is zero and nothing is queried.
 *
 * <p>Thread-safe; copies made by {@link #withZone} share the measured offset.
 */
public final class DatabaseClock extends Clock {
    /** Samples per measurement; the one with the shortest round trip is kept. */
    static final int SAMPLES = 3;
    private static final String NOW_MICROS = "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)";

    private final Clock base;
    /** The catalog's pool on PostgreSQL; null on SQLite. */
    private final DataSource pool;
    /** Database time minus this JVM's, in nanoseconds; always zero on SQLite. */
    private final AtomicLong offsetNanos;

    private DatabaseClock(Clock base, DataSource pool, AtomicLong offsetNanos) {
        this.base = base;
        this.pool = pool;
        this.offsetNanos = offsetNanos;
    }

    /**
     * A clock following {@code catalog}'s database, with {@code base} as this JVM's clock (tests pass a skewed one),
     * measured once before it is returned.
     *
     * @throws coffer.engine.error.CofferException CatalogFailure when the database cannot be asked its time
     */
    public static DatabaseClock follow(Catalog catalog, Clock base) {
        return of(base, catalog.dialect() == Dialect.POSTGRESQL ? catalog.pool() : null);
    }

    /** On {@code pool} (PostgreSQL; null: SQLite, zero offset), measured once before it is returned. */
    static DatabaseClock of(Clock base, DataSource pool) {
        DatabaseClock clock = new DatabaseClock(base, pool, new AtomicLong());
        clock.measure();
        return clock;
    }

    /**
     * Measures the offset again (one connection of the catalog's pool) and returns the skew: how far this JVM's
     * clock is ahead of the database's (negative: behind). Zero on SQLite.
     *
     * @throws coffer.engine.error.CofferException CatalogFailure when the database cannot be asked; the offset
     *                                             measured before stays in use
     */
    public Duration measure() {
        if (pool == null) {
            return skew();
        }
        // on a connection of the pool but not through the catalog's statements: not counted in statementsRun()
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(NOW_MICROS)) {
            long bestRoundTrip = Long.MAX_VALUE;
            long bestOffset = 0;
            for (int i = 0; i < SAMPLES; i++) {
                long sent = System.nanoTime();
                Instant before = base.instant();
                long databaseMicros;
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    databaseMicros = row.getLong(1);
                }
                long roundTrip = System.nanoTime() - sent;
                if (roundTrip < bestRoundTrip) {
                    bestRoundTrip = roundTrip;
                    bestOffset = Math.multiplyExact(databaseMicros, 1000L) - (nanos(before) + roundTrip / 2);
                }
            }
            offsetNanos.set(bestOffset);
        } catch (SQLException e) {
            throw new CofferException(ErrorCode.CatalogFailure, "cannot read the catalog database's clock: "
                    + e.getMessage(), e);
        }
        return skew();
    }

    /** How far this JVM's clock was ahead of the database's at the last measurement (negative: behind). */
    public Duration skew() {
        return Duration.ofNanos(-offsetNanos.get());
    }

    @Override
    public Instant instant() {
        return base.instant().plusNanos(offsetNanos.get());
    }

    @Override
    public ZoneId getZone() {
        return base.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return zone.equals(base.getZone()) ? this : new DatabaseClock(base.withZone(zone), pool, offsetNanos);
    }

    private static long nanos(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    @Override
    public String toString() {
        return "DatabaseClock[" + base + (pool == null ? ", SQLite: the host's" : ", skew " + skew()) + "]";
    }
}
