package coffer.engine.catalog;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Brings the schema history of a catalog made by an earlier Coffer build in line with today's migrations where a
 * released migration was later renumbered or its text changed (docs/design/catalog.md, "Catalogs of earlier builds").
 * Flyway refuses such a history (an applied version no script has, or a checksum that differs), so without this the
 * server of a newer build would not start on the catalog its predecessor left.
 *
 * <p>Each mend names the exact history row it accepts (version, script, and for a changed text the earlier checksum);
 * any other mismatch still fails Flyway's validation as before.
 */
final class EarlierMigrations {
    /** Flyway's default history table. */
    static final String HISTORY = "flyway_schema_history";

    /**
     * A migration released under another number: its row becomes the row of today's number. {@code between}: today's
     * versions below that number a catalog of those builds may lack, to be applied after it (out of order).
     */
    record Renumbered(String version, String script, String toVersion, String toScript, int toChecksum,
                      List<String> between) {
    }

    /** A migration whose released text was changed afterwards: the row of the earlier text takes today's checksum. */
    record Edited(String version, String script, int earlierChecksum, int checksum) {
    }

    /**
     * {@code V4__point_consistency_reason.sql}, in builds of 2026-12-05 (some with V1 to V4 only), became
     * {@code V7__point_consistency_reason.sql} with the same statement (only its comment names the new number).
     */
    static final List<Renumbered> RENUMBERED = List.of(
            new Renumbered("4", "V4__point_consistency_reason.sql", "7", "V7__point_consistency_reason.sql", -351967956,
                    List.of("5", "6")));

    /**
     * PostgreSQL's {@code V20__claim_function.sql} as first released (one build, 2026-12-06): its claim function
     * lacked a condition added a minute later; V23 and V25 replace that function whole, so the earlier one applied
     * leaves no trace once the catalog is migrated.
     */
    static final List<Edited> EDITED = List.of(
            new Edited("20", "V20__claim_function.sql", 2021945393, -146959224));

    private EarlierMigrations() {
    }

    /**
     * Mends the history rows of {@link #RENUMBERED} and {@link #EDITED}; a catalog without a history (a new one) is
     * left alone.
     *
     * @return whether the history holds a renumbered row with versions below its new number not applied yet (V5 and
     *         V6 under a V4 that became V7): they must be applied out of order. Read from the history, not from whether
     *         this call changed it, so a server that finds the row mended by another one starting beside it (PostgreSQL)
     *         migrates the same way
     */
    static boolean mend(DataSource pool) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            if (!hasHistory(connection)) {
                return false;
            }
            for (Renumbered row : RENUMBERED) {
                if (applied(connection, row.toVersion())) {
                    continue;
                }
                try (PreparedStatement update = connection.prepareStatement("UPDATE " + HISTORY
                        + " SET version = ?, script = ?, checksum = ? WHERE version = ? AND script = ? AND success = ?")) {
                    update.setString(1, row.toVersion());
                    update.setString(2, row.toScript());
                    update.setInt(3, row.toChecksum());
                    update.setString(4, row.version());
                    update.setString(5, row.script());
                    update.setBoolean(6, true);
                    update.executeUpdate();
                }
            }
            for (Edited row : EDITED) {
                try (PreparedStatement update = connection.prepareStatement("UPDATE " + HISTORY
                        + " SET checksum = ? WHERE version = ? AND script = ? AND checksum = ?")) {
                    update.setInt(1, row.checksum());
                    update.setString(2, row.version());
                    update.setString(3, row.script());
                    update.setInt(4, row.earlierChecksum());
                    update.executeUpdate();
                }
            }
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
            boolean outOfOrder = false;
            for (Renumbered row : RENUMBERED) {
                if (applied(connection, row.toVersion())) {
                    for (String version : row.between()) {
                        outOfOrder |= !applied(connection, version);
                    }
                }
            }
            return outOfOrder;
        }
    }

    private static boolean hasHistory(Connection connection) throws SQLException {
        try (ResultSet tables = connection.getMetaData().getTables(null, null, HISTORY, null)) {
            return tables.next();
        }
    }

    private static boolean applied(Connection connection, String version) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM " + HISTORY + " WHERE version = ?")) {
            query.setString(1, version);
            try (ResultSet row = query.executeQuery()) {
                return row.next();
            }
        }
    }
}
