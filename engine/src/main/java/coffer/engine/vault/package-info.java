/** Opening and creating vaults from a location and the key ring; the default chunk size. */
package coffer.engine.vault;
