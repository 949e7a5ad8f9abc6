/**
 * Opening and creating vaults from a location (a directory or {@code s3://bucket/prefix}: {@link
 * coffer.engine.vault.VaultLocation}) and the key ring; the default chunk size; the vaults a
 * server knows by name ({@link coffer.engine.vault.VaultDirectory}).
 */
package coffer.engine.vault;
