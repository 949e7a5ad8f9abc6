package coffer.cli;

import coffer.engine.operation.AlertList;
import coffer.engine.operation.AlertView;
import coffer.engine.operation.DrillList;
import coffer.engine.operation.DrillResult;
import coffer.engine.operation.ReclaimList;
import coffer.engine.operation.VerifyResult;
import coffer.engine.operation.VerifyRunList;
import coffer.engine.operation.VerifyRunView;
import coffer.engine.reclaim.ReclaimHistory;
import coffer.engine.reclaim.ReclaimRun;
import coffer.vault.maintenance.Damage;

/**
 * Text of the assurance results (verify runs, drills, change alerts, space reclaim), docs/design/assurance.md; the
 * catalog's records fall through to {@link RenderCatalog}. Stateless.
 */
final class RenderAssurance {
    private RenderAssurance() {
    }

    static void text(Output out, Object result) {
        switch (result) {
            case VerifyResult r -> {
                verifyRun(out, r.run());
                for (Damage d : r.damage()) {
                    out.line("  DAMAGED point %s disk %s bytes %d-%d (%s): %s", d.pointId(), d.disk(), d.offset(),
                            d.offset() + d.length() - 1, d.object(), d.problem());
                }
            }
            case VerifyRunList l -> {
                l.runs().forEach(r -> verifyRun(out, r));
                Render.more(out, l.nextCursor());
            }
            case DrillResult d -> drill(out, "", d);
            case DrillList l -> {
                l.instances().forEach(i -> {
                    out.line("%s (%s): %s", i.instanceName(), i.instance(), i.provenBootableAt() == null ? "never proven bootable"
                            : "proven bootable at " + Output.time(i.provenBootableAt()) + " (point " + i.provenPoint() + ")");
                    i.drills().forEach(d -> drill(out, "  ", d));
                });
                Render.more(out, l.nextCursor());
            }
            case AlertList l -> {
                if (l.alerts().isEmpty()) {
                    out.line("No change alerts.");
                }
                l.alerts().forEach(a -> alert(out, a));
                Render.more(out, l.nextCursor());
            }
            case AlertView a -> alert(out, a);
            case ReclaimList l -> l.vaults().forEach(v -> {
                out.line("vault %s: reclaimed %s in %d chunk(s) over %d step(s) since the server started%s", v.vault(),
                        Output.bytes(v.reclaimedBytes()), v.reclaimedChunks(), v.steps(),
                        v.pendingSince() == null ? "" : "; a deletion of " + Output.time(v.pendingSince()) + " waits");
                Table runs = Table.rows("  ", 4);
                for (ReclaimRun r : v.recent()) {
                    runs.row(Output.time(r.finishedAt()), r.reason(), r.outcome(), String.format(java.util.Locale.ROOT,
                            "%s in %d chunk(s), %d left, lock held %d ms%s%s%s", Output.bytes(r.reclaimedBytes()),
                            r.reclaimedChunks(), r.remainingChunks(), r.lockHeld().toMillis(), ReclaimHistory.staleRemoved(r),
                            r.late() ? " (late)" : "", r.busy() == null ? "" : ": " + r.busy()));
                }
                runs.print(out);
            });
            default -> RenderCatalog.text(out, result);
        }
    }

    private static void verifyRun(Output out, VerifyRunView r) {
        out.line("%s %s verify of vault %s%s: %d point(s), %d chunk(s), %s; %s%s%s", Output.time(r.finishedAt()), r.kind(),
                r.vault(), r.slices() > 1 ? " (slice " + (r.slice() + 1) + " of " + r.slices() + ")" : "", r.points(),
                r.chunksChecked(), Output.bytes(r.bytesChecked()), r.damagedRanges() == 0 ? "no damage"
                        : r.damagedRanges() + " damaged range(s) in point(s) " + String.join(", ", r.pointsAffected()),
                r.quarantined() > 0 ? "; " + r.quarantined() + " chunk(s) quarantined" : "",
                r.quarantineNote() == null ? "" : "; " + r.quarantineNote());
    }

    private static void drill(Output out, String indent, DrillResult d) {
        out.line("%s%s drill of point %s: %s (restore %s, boot to agent %s%s)", indent, Output.time(d.finishedAt()), d.point(),
                d.passed() ? "PASSED" : "FAILED in " + d.failedPhase() + ": " + d.reason(), millis(d.restoreMillis()),
                millis(d.bootToAgentMillis()), d.checkMillis() == null ? "" : ", check " + millis(d.checkMillis())
                        + " exit " + d.checkExit());
    }

    private static String millis(Long ms) {
        return ms == null ? "-" : String.format("%.1f s", ms / 1000.0);
    }

    private static void alert(Output out, AlertView a) {
        out.line("%s %s on point %s of %s: %s; %s", a.id(), a.kind(), a.point(), a.instance(), a.describe(),
                a.standing() ? "STANDING (retention holds the older points)" : "acknowledged by " + a.acknowledgedBy()
                        + " at " + Output.time(a.acknowledgedAt()) + (a.note() == null ? "" : " (" + a.note() + ")"));
    }
}
