package coffer.cli;

import coffer.engine.live.GuestNames;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every table the command line prints (docs/cli.md, "Tables"): the rows are collected, then each column is printed as
 * wide as its widest value or header, two spaces apart, so that a long value (an instance's name, a path) widens its
 * column instead of shifting the columns after it; numbers and sizes are right-aligned, the last column is not
 * padded. A null value prints as {@code -}; control characters, line separators and bidirectional controls in a value
 * print escaped ({@code &#92;u202e}, {@code \x1b}: GuestNames#escapeControls, the console's escape). Not
 * thread-safe: one table per rendering.
 */
final class Table {
    private static final String GAP = "  ";

    private final String indent;
    private final String[] headers;
    private final int columns;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    private Table(String indent, String[] headers, int columns) {
        this.indent = indent;
        this.headers = headers;
        this.columns = columns;
        this.right = new boolean[columns];
    }

    /** A table with a header line of these columns. */
    static Table of(String... headers) {
        return new Table("", headers.clone(), headers.length);
    }

    /** A table of this many columns without a header line, each line beginning with {@code indent}. */
    static Table rows(String indent, int columns) {
        return new Table(indent, null, columns);
    }

    /** The columns at these positions (from 0) right-aligned: numbers and sizes. */
    Table right(int... positions) {
        for (int position : positions) {
            right[position] = true;
        }
        return this;
    }

    Table row(Object... values) {
        if (values.length != columns) {
            throw new IllegalArgumentException("a row of " + values.length + " values in a table of " + columns + " columns");
        }
        String[] cells = new String[columns];
        for (int i = 0; i < columns; i++) {
            // a value a guest or caller controls (a domain's name, a policy's, a message) cannot break the line, move
            // the cursor or reorder what follows it: escaped as the console escapes shown text (docs/cli.md, "Tables")
            cells[i] = values[i] == null ? "-" : GuestNames.escapeControls(values[i].toString());
        }
        rows.add(cells);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The header (when the table has one, even without rows) and the rows. */
    void print(Output out) {
        lines().forEach(out::line);
    }

    List<String> lines() {
        int[] width = new int[columns];
        List<String[]> all = new ArrayList<>();
        if (headers != null) {
            all.add(headers);
        }
        all.addAll(rows);
        for (String[] cells : all) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], length(cells[i]));
            }
        }
        List<String> lines = new ArrayList<>(all.size());
        for (String[] cells : all) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < columns; i++) {
                if (i > 0) {
                    line.append(GAP);
                }
                String pad = " ".repeat(width[i] - length(cells[i]));
                boolean last = i == columns - 1;
                line.append(right[i] ? pad + cells[i] : last ? cells[i] : cells[i] + pad);
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    /** The width of a value in characters (code points: a guest's name may hold any). */
    private static int length(String value) {
        return value.codePointCount(0, value.length());
    }

    @Override
    public String toString() {
        return "Table" + Arrays.toString(headers) + " of " + rows.size() + " row(s)";
    }
}
