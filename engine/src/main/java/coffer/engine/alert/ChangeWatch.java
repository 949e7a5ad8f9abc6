package coffer.engine.alert;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.ChangeSample;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.ChangeMeasure;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Watches what backups change (docs/design/assurance.md). A backup job calls {@link #observe} once its point is in
 * the catalog: an incremental's {@link ChangeMeasure} becomes the instance's newest {@link ChangeSample}, judged
 * against the samples before it ({@link ChangeBaseline}); each finding is raised as a {@link ChangeAlert} on the point
 * (and its job). A full read says nothing of change and records nothing. {@link #acknowledge} ends an alert's hold on
 * retention; who may acknowledge is the API's rule (operator or admin), not this class's.
 *
 * <p>Thread-safe (the catalog is); backups of one instance are serialized by the job system, so its samples arrive in
 * order.
 */
public final class ChangeWatch {
    private final Catalog catalog;
    private final ChangeRules rules;
    private final Clock clock;

    public ChangeWatch(Catalog catalog, ChangeRules rules, Clock clock) {
        this.catalog = catalog;
        this.rules = rules;
        this.clock = clock;
    }

    /** One backup's point and what it measured. {@code jobId} may be null (a backup outside the job system). */
    public record Observation(String instanceId, String pointId, Instant pointCreatedAt, String jobId,
                              ChangeMeasure measure) {
        public Observation {
            Objects.requireNonNull(instanceId, "instanceId");
            Objects.requireNonNull(pointId, "pointId");
            Objects.requireNonNull(pointCreatedAt, "pointCreatedAt");
            Objects.requireNonNull(measure, "measure");
        }
    }

    /** The sample recorded (empty for a full read) and the alerts raised (often none). */
    public record Outcome(Optional<ChangeSample> sample, List<ChangeAlert> raised) {
        public Outcome {
            raised = List.copyOf(raised);
        }
    }

    public Outcome observe(Observation o) {
        if (!o.measure().incremental()) {
            return new Outcome(Optional.empty(), List.of());
        }
        ChangeSample sample = new ChangeSample(o.pointId(), o.instanceId(), o.pointCreatedAt().truncatedTo(ChronoUnit.MILLIS),
                o.measure().changedBytes(), o.measure().newBytes(), o.measure().newStoredBytes());
        List<ChangeSample> recent = catalog.changeAlerts().samplesBefore(o.instanceId(), sample.takenAt(), rules.window());
        List<ChangeAlert> raised = new ArrayList<>();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        for (ChangeBaseline.Finding f : ChangeBaseline.judge(rules, recent, sample)) {
            raised.add(new ChangeAlert(UUID.randomUUID().toString(), o.instanceId(), o.pointId(), sample.takenAt(), f.kind(),
                    f.measured(), f.baseline(), now, o.jobId(), null, null, null));
        }
        catalog.changeAlerts().recordSample(sample);
        raised.forEach(catalog.changeAlerts()::raise);
        return new Outcome(Optional.of(sample), raised);
    }

    /**
     * Acknowledges an alert: retention resumes for the instance once no other alert of it stands. Acknowledging an
     * alert again changes nothing (the first acknowledgement stands) and returns it as it is.
     *
     * @param by   who acknowledges (the API passes its token's name)
     * @param note why, optional (at most 1000 characters)
     * @throws CofferException ResourceNotFound for an unknown alert; InvalidArgument for a bad note or no name
     */
    public ChangeAlert acknowledge(String alertId, String by, String note) {
        if (by == null || by.isBlank()) {
            throw new CofferException(ErrorCode.InvalidArgument, "by: who acknowledges the alert must be named");
        }
        if (note != null && note.length() > 1000) {
            throw new CofferException(ErrorCode.InvalidArgument, "note: " + note.length()
                    + " characters; at most 1000");
        }
        if (catalog.changeAlerts().find(alertId).isEmpty()) {
            throw new CofferException(ErrorCode.ResourceNotFound, "no change alert '" + alertId + "'");
        }
        catalog.changeAlerts().acknowledge(alertId, by, clock.instant().truncatedTo(ChronoUnit.MILLIS), note);
        return catalog.changeAlerts().find(alertId).orElseThrow();
    }

    /** The instance's alerts nobody has acknowledged (they hold its older points), oldest first. */
    public List<ChangeAlert> standing(String instanceId) {
        return catalog.changeAlerts().unacknowledged(instanceId);
    }
}
