package coffer.engine.operation;

import java.time.Instant;

/**
 * A mount that ended by itself: which disk of which point was mounted into which instance as which guest device,
 * until when, and why it ended ({@code EXPIRED} or {@code INSTANCE_STOPPED}). An unmounted mount's job ends cancelled.
 */
public record MountResult(String mount, String point, String disk, String instance, String target, Instant expiresAt,
                          Instant endedAt, String ended) {
}
