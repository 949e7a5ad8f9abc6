package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The catalog's whole use of JDBC: statements with positional parameters, rows mapped by lambdas, and
 * transactions. Parameters: {@link Instant} is stored as epoch milliseconds, {@code boolean} as 0/1,
 * {@link JsonNode} as JSON text, enums by name. Every {@link SQLException} becomes a
 * {@link CofferException} with {@link ErrorCode#CatalogFailure} naming the statement.
 *
 * <p>Thread-safe (each call borrows a pooled connection).
 */
final class Sql {
    static final ObjectMapper JSON = coffer.engine.json.CofferJson.MAPPER;

    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet row) throws SQLException;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Session session) throws SQLException;
    }

    private final DataSource dataSource;
    /** Statements run so far (each row of a batch is one): {@link Catalog#statementsRun()}. */
    private final java.util.concurrent.atomic.LongAdder statements = new java.util.concurrent.atomic.LongAdder();

    Sql(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    long statementsRun() {
        return statements.sum();
    }

    <T> List<T> query(String sql, Row<T> row, Object... args) {
        return read(s -> s.query(sql, row, args));
    }

    <T> Optional<T> one(String sql, Row<T> row, Object... args) {
        return read(s -> s.one(sql, row, args));
    }

    int update(String sql, Object... args) {
        return read(s -> s.update(sql, args));
    }

    /** Runs {@code work} on one connection in auto-commit mode. */
    <T> T read(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(new Session(connection, statements));
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    <T> T transaction(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(new Session(connection, statements));
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static CofferException failure(SQLException e) {
        return new CofferException(ErrorCode.CatalogFailure, "catalog database failed: " + e.getMessage()
                + " (SQL state " + e.getSQLState() + ")", e);
    }

    /** One connection's statements. Not thread-safe; lives for one {@link Work}. */
    static final class Session {
        private final Connection connection;
        private final java.util.concurrent.atomic.LongAdder statements;

        private Session(Connection connection, java.util.concurrent.atomic.LongAdder statements) {
            this.connection = connection;
            this.statements = statements;
        }

        <T> List<T> query(String sql, Row<T> row, Object... args) throws SQLException {
            try (PreparedStatement statement = prepare(sql, args); ResultSet rows = statement.executeQuery()) {
                List<T> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(row.map(rows));
                }
                return result;
            }
        }

        <T> Optional<T> one(String sql, Row<T> row, Object... args) throws SQLException {
            List<T> rows = query(sql, row, args);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
        }

        long count(String sql, Object... args) throws SQLException {
            return one(sql, r -> r.getLong(1), args).orElse(0L);
        }

        int update(String sql, Object... args) throws SQLException {
            try (PreparedStatement statement = prepare(sql, args)) {
                return statement.executeUpdate();
            }
        }

        /** One statement with each row of arguments, sent as one JDBC batch; the update count of each row. */
        int[] batch(String sql, List<Object[]> rows) throws SQLException {
            if (rows.isEmpty()) {
                return new int[0];
            }
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        statement.setObject(i + 1, parameter(row[i]));
                    }
                    statement.addBatch();
                    statements.increment();
                }
                return statement.executeBatch();
            }
        }

        private PreparedStatement prepare(String sql, Object... args) throws SQLException {
            statements.increment();
            PreparedStatement statement = connection.prepareStatement(sql);
            try {
                for (int i = 0; i < args.length; i++) {
                    statement.setObject(i + 1, parameter(args[i]));
                }
                return statement;
            } catch (SQLException | RuntimeException e) {
                statement.close();
                throw e;
            }
        }
    }

    private static Object parameter(Object value) {
        return switch (value) {
            case null -> null;
            case Instant instant -> instant.toEpochMilli();
            case Boolean flag -> flag ? 1 : 0;
            case JsonNode json -> json.toString();
            case Enum<?> constant -> constant.name();
            default -> value;
        };
    }

    // ---- reading columns ----

    static Instant instant(ResultSet row, String column) throws SQLException {
        long millis = row.getLong(column);
        return row.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    static boolean flag(ResultSet row, String column) throws SQLException {
        return row.getInt(column) != 0;
    }

    static JsonNode json(ResultSet row, String column) throws SQLException {
        String text = row.getString(column);
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SQLException("column " + column + " holds no valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String jsonText(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
