/**
 * The S3 backend: a vault in a bucket (under an optional prefix) of any S3-compatible store, through the
 * AWS SDK for Java v2 with a custom endpoint and path-style addressing (MinIO, Ceph RGW, s3proxy, AWS).
 * Owns the {@code s3://bucket/prefix} location form, the connection settings and credentials (never
 * printed: {@link coffer.vault.secret.Secret}), the mapping of S3 failures onto the backend contract, and
 * the request counts that show what a backup costs. Knows nothing of chunks or points. Layout and locking
 * on S3: docs/design/s3.md.
 */
package coffer.vault.backend.s3;
