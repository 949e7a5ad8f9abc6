package coffer.engine.operation;

import coffer.engine.catalog.VerifyRun;
import coffer.vault.maintenance.Damage;

import java.util.List;

/** What a verify job found: the run as the catalog keeps it (chunks checked, damage, points affected) and each damaged range. */
public record VerifyResult(VerifyRunView run, List<Damage> damage) {
    public VerifyResult {
        damage = List.copyOf(damage);
    }

    public static VerifyResult of(VerifyRun run, List<Damage> damage) {
        return new VerifyResult(VerifyRunView.of(run), damage);
    }
}
