package coffer.engine.job.handler;

import coffer.engine.alert.ChangeWatch;
import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.Instance;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.job.JobContext;
import coffer.engine.operation.AlertView;

import java.util.ArrayList;
import java.util.List;

/**
 * What a backup job does with a new point's change (docs/design/assurance.md): {@link ChangeWatch#observe} judges it
 * against the instance's baseline; each alert raised is on the point and the job (its row), a warning in the job's log,
 * and returned for the job's result. A failure to judge is a warning, never a failed backup: the point is stored.
 * Used by the backup and group backup handlers. Thread-safe.
 */
final class ChangeJudging {
    private final ChangeWatch changes;

    ChangeJudging(ChangeWatch changes) {
        this.changes = changes;
    }

    /** The alerts raised on {@code result}'s point, as the warnings the job shows. */
    List<String> judge(Instance instance, InstanceBackup.Result result, String jobId, JobContext context) {
        List<String> alerts = new ArrayList<>();
        try {
            ChangeWatch.Outcome outcome = changes.observe(new ChangeWatch.Observation(instance.id(), result.point().id(),
                    result.point().createdAt(), jobId, result.change()));
            for (ChangeAlert alert : outcome.raised()) {
                String text = "change alert " + alert.id() + " (" + alert.kind() + ") on point " + alert.pointId() + " of "
                        + instance.name() + ": " + AlertView.of(alert).describe() + "; retention keeps the older points of "
                        + instance.name() + " until an operator acknowledges it (coffer alert ack " + alert.id() + ")";
                context.warning(text);
                alerts.add(text);
            }
        } catch (RuntimeException e) {
            context.warning("the change of point " + result.point().id() + " could not be judged: " + e.getMessage());
        }
        return alerts;
    }
}
