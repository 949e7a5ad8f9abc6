package coffer.engine.catalog;

import java.time.Instant;

/**
 * An API token; only its SHA-256 hash is stored. {@code role} is admin, operator, viewer or agent. {@code host}: the
 * one host an agent token acts for (named at its creation, or bound by its first agent request; null: not bound yet,
 * and always for the other roles; docs/design/agents.md).
 */
public record Token(String id, String name, String role, Instant createdAt, Instant lastUsedAt,
                    Instant revokedAt, String host) {
}
