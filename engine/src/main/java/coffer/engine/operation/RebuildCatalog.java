package coffer.engine.operation;

import java.util.List;

/**
 * Recreate the catalog's points and group points from every vault's manifests. {@code readopt}: ids of points the
 * catalog deleted that are in a vault again, to adopt anyway (an operator's decision, logged; null or empty: none is,
 * each is reported as reappeared: docs/design/security.md, "Rollback and replay").
 */
public record RebuildCatalog(List<String> readopt) implements Operation<RebuildResult> {
    public RebuildCatalog {
        readopt = readopt == null ? List.of() : List.copyOf(readopt);
    }

    public RebuildCatalog() {
        this(List.of());
    }
}
