package coffer.engine.operation;

import java.util.List;

/** Export records, newest first, one page. {@code count} is the page's length; {@code nextCursor} asks for the next (null: the last). */
public record ExportList(List<ExportView> exports, int count, String nextCursor) {
    public ExportList {
        exports = List.copyOf(exports);
    }

    public static ExportList of(List<ExportView> exports) {
        return new ExportList(exports, exports.size(), null);
    }

    /** The only page. */
    public ExportList(List<ExportView> exports, int count) {
        this(exports, count, null);
    }

    public static ExportList of(List<ExportView> exports, String nextCursor) {
        return new ExportList(exports, exports.size(), nextCursor);
    }
}
