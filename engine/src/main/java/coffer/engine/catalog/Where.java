package coffer.engine.catalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A {@code WHERE} clause built from optional filters, with its arguments in order, and the keyset step of a
 * newest-first page ({@link PageCursor}). Not thread-safe; one per statement.
 */
final class Where {
    private final StringBuilder sql = new StringBuilder(" WHERE 1 = 1");
    private final List<Object> args = new ArrayList<>();

    /** A fixed condition with its arguments, kept to be added to several statements. */
    record Condition(String sql, Object... args) {
    }

    /** {@code AND <condition>}. */
    Where and(Condition condition) {
        return and(true, condition.sql(), condition.args());
    }

    /** {@code AND <condition>} with its arguments, when {@code value} is not null. */
    Where and(Object value, String condition, Object... conditionArgs) {
        if (value != null) {
            sql.append(" AND ").append(condition);
            args.addAll(List.of(conditionArgs));
        }
        return this;
    }

    Where equal(String column, Object value) {
        return and(value, column + " = ?", value == null ? new Object[0] : new Object[]{value});
    }

    /**
     * One clause {@code column IN (…)} for each {@code size} of the distinct {@code values} (none for no values): a long
     * list read in a few statements, each well inside SQLite's and PostgreSQL's limits on parameters.
     */
    static List<Where> inChunks(String column, Collection<String> values, int size) {
        List<String> distinct = values.stream().distinct().toList();
        List<Where> chunks = new ArrayList<>();
        for (int from = 0; from < distinct.size(); from += size) {
            chunks.add(new Where().in(column, distinct.subList(from, Math.min(distinct.size(), from + size))));
        }
        return chunks;
    }

    /** {@code column IN (…)}; an empty collection matches nothing. */
    Where in(String column, Collection<String> values) {
        if (values != null) {
            if (values.isEmpty()) {
                sql.append(" AND 1 = 0");
            } else {
                sql.append(" AND ").append(column).append(" IN (").append(String.join(", ",
                        java.util.Collections.nCopies(values.size(), "?"))).append(")");
                args.addAll(values);
            }
        }
        return this;
    }

    /** {@code from <= created_at < to}, each bound when given. */
    Where created(Instant from, Instant to) {
        and(from, "created_at >= ?", from);
        return and(to, "created_at < ?", to);
    }

    /** Rows after the cursor in the order {@code created_at DESC, id DESC}. */
    Where after(PageCursor cursor) {
        return cursor == null ? this : and(cursor, "(created_at < ? OR (created_at = ? AND id < ?))",
                cursor.createdAt(), cursor.createdAt(), cursor.id());
    }

    /** Rows after the cursor in the order {@code <time> DESC, id DESC} (newest first on another column than created_at). */
    Where afterNewest(PageCursor cursor, String time) {
        return cursor == null ? this : and(cursor, "(" + time + " < ? OR (" + time + " = ? AND id < ?))",
                cursor.createdAt(), cursor.createdAt(), cursor.id());
    }

    /** The clause, then the newest-first order on {@code time} and {@code LIMIT limit + 1} (see {@link Page#of}). */
    String newestFirst(int limit, String time) {
        return sql + " ORDER BY " + time + " DESC, id DESC LIMIT " + (limit + 1);
    }

    /** Rows after the cursor in the order {@code <time> ASC, id ASC} (oldest first; the group points' {@code instant}). */
    Where afterOldest(PageCursor cursor, String time) {
        return cursor == null ? this : and(cursor, "(" + time + " > ? OR (" + time + " = ? AND id > ?))",
                cursor.createdAt(), cursor.createdAt(), cursor.id());
    }

    /** The clause, then the oldest-first order on {@code time} and {@code LIMIT limit + 1} (see {@link Page#of}). */
    String oldestFirst(int limit, String time) {
        return sql + " ORDER BY " + time + ", id LIMIT " + (limit + 1);
    }

    /** Rows after the cursor in the order {@code name, id}. */
    Where after(NameCursor cursor) {
        return cursor == null ? this : and(cursor, "(name > ? OR (name = ? AND id > ?))", cursor.name(), cursor.name(),
                cursor.id());
    }

    /** The clause, then the order by name and {@code LIMIT limit + 1} (see {@link NamePage#of}). */
    String byName(int limit) {
        return sql + " ORDER BY name, id LIMIT " + (limit + 1);
    }

    /** The clause, then the newest-first order and {@code LIMIT limit + 1} (see {@link Page#of}). */
    String newestFirst(int limit) {
        return sql + " ORDER BY created_at DESC, id DESC LIMIT " + (limit + 1);
    }

    String clause() {
        return sql.toString();
    }

    Object[] args() {
        return args.toArray();
    }
}
