package coffer.engine.operation;

import java.util.List;

/** Export records, newest first. {@code count} is the list's length. */
public record ExportList(List<ExportView> exports, int count) {
    public ExportList {
        exports = List.copyOf(exports);
    }

    public static ExportList of(List<ExportView> exports) {
        return new ExportList(exports, exports.size());
    }
}
