/** Vault upkeep: verify (re-read and re-hash), garbage collection (mark and sweep under the exclusive lock), statistics. */
package coffer.vault.maintenance;
