/**
 * Where vault objects are kept: the {@link coffer.vault.backend.Backend} contract and its implementations
 * (local directory, memory; S3 in {@code coffer.vault.backend.s3}). Knows object names and bytes only, nothing of chunks or points.
 */
package coffer.vault.backend;
