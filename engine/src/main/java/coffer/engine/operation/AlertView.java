package coffer.engine.operation;

import coffer.engine.catalog.ChangeAlert;

import java.time.Instant;

/**
 * A change alert on a point: {@code CHANGE_RATE} ({@code measured} and {@code baseline} in changed bytes) or
 * {@code ENTROPY} (the share of new bytes that did not compress, 0..1); the backup job that raised it; whether it
 * still holds the instance's older points from retention ({@code standing}) or who acknowledged it, when and why.
 */
public record AlertView(String id, String instance, String point, Instant pointCreatedAt, ChangeAlert.Kind kind,
                        double measured, double baseline, Instant raisedAt, String job, boolean standing,
                        Instant acknowledgedAt, String acknowledgedBy, String note) {
    public static AlertView of(ChangeAlert a) {
        return new AlertView(a.id(), a.instanceId(), a.pointId(), a.pointCreatedAt(), a.kind(), a.measured(), a.baseline(),
                a.raisedAt(), a.jobId(), !a.acknowledged(), a.acknowledgedAt(), a.acknowledgedBy(), a.note());
    }

    /** One line for a person: what was measured against what. */
    public String describe() {
        return switch (kind) {
            case CHANGE_RATE -> String.format("%,d bytes changed against a usual %,d", (long) measured, (long) baseline);
            case ENTROPY -> String.format("%.0f %% of the new data did not compress against a usual %.0f %%",
                    measured * 100, baseline * 100);
        };
    }
}
