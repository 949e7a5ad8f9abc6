/**
 * Vault upkeep: verify (re-read and re-hash every chunk, or one {@code ChunkSample} slice of a rotation; damaged
 * and lost points), quarantine of damaged chunks, garbage collection (mark and list without a lock, re-mark and a
 * sweep that a budget may bound under the exclusive lock), statistics.
 */
package coffer.vault.maintenance;
