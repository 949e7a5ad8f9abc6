package coffer.engine.operation;

import coffer.engine.catalog.CatalogRebuild;

import java.util.Map;

/** What a catalog rebuild restored, per vault. */
public record RebuildResult(Map<String, CatalogRebuild.Counts> vaults) {
}
