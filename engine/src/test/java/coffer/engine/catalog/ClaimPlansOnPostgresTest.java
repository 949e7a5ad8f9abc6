package coffer.engine.catalog;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * PostgreSQL's claim function keeps its plans for the session (catalog V25, docs/design/jobs.md "Claiming"): plans made
 * at a session's first claim, when the jobs table holds one job and has no statistics, must still read the queue by key
 * once it holds thousands. With cached generic plans alone (V25's function without its planner settings), the second
 * claim below read every row of {@code jobs} by a sequential scan (4,001 rows, checked); V25's function reads none.
 */
class ClaimPlansOnPostgresTest {

    private static final String CLAIM = "SELECT id FROM coffer_claim_jobs('server:1:aa', 2, 5, 1, 'started',"
            + " 'mount,verify', 'backup,restore_disk,restore_instance')";

    @Test
    void plansMadeOnAYoungTableStillReadTheQueueByKey() throws Exception {
        try (TestDatabase database = TestDatabase.postgres()) {
            try (Catalog catalog = Catalog.open(database.config())) {
                for (int h = 0; h < 50; h++) {
                    catalog.hosts().ensure(host(h), "qemu+ssh://" + host(h) + "/system");
                }
            }
            try (Connection c = DriverManager.getConnection(database.config().jdbcUrl())) {
                c.setAutoCommit(false);
                insert(c, "a-first", host(0), "queued", 1);
                assertEquals(List.of("a-first"), claim(c), "the first claim (its plans made on one job)");
                // 2,000 finished jobs and 2,000 queued, 40 per host, oldest first by created_at
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO jobs (id, type, target, host_id, state,"
                        + " params, created_at, region) VALUES (?, 'backup', 'vm', ?, ?, '{}', ?, 'local')")) {
                    for (int i = 0; i < 4000; i++) {
                        insert.setString(1, String.format("j%05d", i));
                        insert.setString(2, host(i % 50));
                        insert.setString(3, i < 2000 ? "done" : "queued");
                        insert.setLong(4, 1000 + i);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                long before = sequentialReads(c);
                assertEquals(List.of("j02000", "j02001", "j02002", "j02003", "j02004"), claim(c),
                        "the five oldest queued jobs, each on a host below its limit");
                assertEquals(0, sequentialReads(c) - before, "rows of jobs read by a sequential scan in the claim");
                c.rollback();
            }
        }
    }

    private static String host(int h) {
        return String.format("h%03d", h);
    }

    private static void insert(Connection c, String id, String host, String state, long createdAt) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO jobs (id, type, target, host_id, state, params,"
                + " created_at, region) VALUES (?, 'backup', 'vm', ?, ?, '{}', ?, 'local')")) {
            insert.setString(1, id);
            insert.setString(2, host);
            insert.setString(3, state);
            insert.setLong(4, createdAt);
            insert.executeUpdate();
        }
    }

    private static List<String> claim(Connection c) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(CLAIM)) {
            while (r.next()) {
                ids.add(r.getString(1));
            }
        }
        return ids;
    }

    /** The rows of {@code jobs} read by sequential scans in this transaction so far. */
    private static long sequentialReads(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT seq_tup_read FROM pg_stat_xact_user_tables WHERE relname = 'jobs'")) {
            r.next();
            return r.getLong(1);
        }
    }
}
