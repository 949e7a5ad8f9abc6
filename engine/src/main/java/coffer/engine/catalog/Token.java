package coffer.engine.catalog;

import java.time.Instant;

/** An API token; only its SHA-256 hash is stored. {@code role} is admin, operator or viewer. */
public record Token(String id, String name, String role, Instant createdAt, Instant lastUsedAt,
                    Instant revokedAt) {
}
