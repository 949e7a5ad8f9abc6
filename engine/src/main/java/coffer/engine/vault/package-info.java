/**
 * Opening and creating vaults from a location and the key ring; the default chunk size; the vaults a
 * server knows by name ({@link coffer.engine.vault.VaultDirectory}).
 */
package coffer.engine.vault;
