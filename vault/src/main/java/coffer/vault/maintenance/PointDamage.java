package coffer.vault.maintenance;

/**
 * A point damaged as a whole: its manifest {@code object} does not read, or is gone while other objects of the
 * point remain (a lost point), or an index of the catalog names it and the vault has no trace of it.
 * {@code problem} says which, with the evidence. Immutable.
 */
public record PointDamage(String pointId, String object, String problem) {
}
