/**
 * Keys and digests: the {@link coffer.vault.crypto.KeyService} seam (envelope encryption of the vault's data
 * key), the local key ring, HKDF sub-keys and chunk digests. Key material never leaves this package in
 * messages or {@code toString()}.
 */
package coffer.vault.crypto;
