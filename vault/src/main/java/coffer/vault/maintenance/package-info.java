/**
 * Vault upkeep: verify (re-read and re-hash; damaged and lost points), garbage collection (mark and sweep under
 * the exclusive lock), quarantine, statistics.
 */
package coffer.vault.maintenance;
