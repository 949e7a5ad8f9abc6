package coffer.engine.operation;

import java.time.Instant;
import java.util.List;

/**
 * One export record: {@code status} is {@code queued}, {@code running}, {@code available} (to download until
 * {@code expiresAt}), {@code expired} (its archive removed), {@code deleted} (removed on request at {@code deletedAt}
 * before it expired), {@code failed} or {@code cancelled} (also when removed on request while it ran).
 */
public record ExportView(String id, String point, String disk, List<String> paths, String status, Instant createdAt,
                         Instant expiresAt, Long bytes, String sha256, String error, Instant deletedAt) {
}
