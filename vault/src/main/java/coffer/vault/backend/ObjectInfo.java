package coffer.vault.backend;

import java.time.Instant;

/** A published object's name, stored size and last modification time. Immutable. */
public record ObjectInfo(String name, long size, Instant modified) {
}
