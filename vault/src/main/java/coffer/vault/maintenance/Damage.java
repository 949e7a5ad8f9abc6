package coffer.vault.maintenance;

/** One damaged range of one disk of one point, and why. Immutable. */
public record Damage(String pointId, String disk, long offset, long length, String object, String problem) {
}
