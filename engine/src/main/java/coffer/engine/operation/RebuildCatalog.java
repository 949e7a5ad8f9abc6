package coffer.engine.operation;

/** Recreate the catalog's points and group points from every vault's manifests. */
public record RebuildCatalog() implements Operation<RebuildResult> {}
