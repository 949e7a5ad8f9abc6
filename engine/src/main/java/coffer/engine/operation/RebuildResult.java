package coffer.engine.operation;

import coffer.engine.catalog.CatalogRebuild;
import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.Map;

/** What a catalog rebuild restored, per vault, and what it could not restore ({@link CatalogRebuild.Counts}). */
public record RebuildResult(Map<String, CatalogRebuild.Counts> vaults) {
    /** True when every vault's points were restored: none unreadable, lost or missing. */
    @JsonIgnore
    public boolean whole() {
        return vaults.values().stream().allMatch(CatalogRebuild.Counts::whole);
    }
}
