package coffer.engine.operation;

import java.time.Instant;

/** A mount taken out: its id, the instance and guest device it had, and when it ended. */
public record UnmountResult(String mount, String instance, String target, Instant endedAt) {
}
