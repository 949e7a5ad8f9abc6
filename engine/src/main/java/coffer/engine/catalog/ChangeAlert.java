package coffer.engine.catalog;

import java.time.Instant;
import java.util.Objects;

/**
 * A change alert raised on a point (docs/design/assurance.md): the instance changed far more than its baseline
 * ({@link Kind#CHANGE_RATE}: {@code measured} and {@code baseline} in changed bytes) or its new data suddenly stopped
 * compressing ({@link Kind#ENTROPY}: the share of new bytes that did not compress, 0..1). Until acknowledged, retention
 * keeps every point of the instance made before {@code pointCreatedAt}. Immutable.
 */
public record ChangeAlert(String id, String instanceId, String pointId, Instant pointCreatedAt, Kind kind,
                          double measured, double baseline, Instant raisedAt, String jobId, Instant acknowledgedAt,
                          String acknowledgedBy, String note) {
    /** What was measured. */
    public enum Kind { CHANGE_RATE, ENTROPY }

    public ChangeAlert {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(pointId, "pointId");
        Objects.requireNonNull(pointCreatedAt, "pointCreatedAt");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(raisedAt, "raisedAt");
    }

    public boolean acknowledged() {
        return acknowledgedAt != null;
    }
}
