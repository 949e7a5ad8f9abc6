/**
 * The vault: Coffer's storage engine. Owns points (manifests), fixed disk indexes, content-addressed
 * chunks, their formats (docs/format/), keys, locks, and the read, write and maintenance pipelines.
 * Knows nothing of libvirt, policies, jobs or HTTP: disks come in through {@link coffer.vault.io.BlockSource}
 * and go out through {@link coffer.vault.io.BlockSink}.
 *
 * <p>Hand-written because it is the product's core: no library offers a versioned, encrypted,
 * deduplicating fixed-chunk store with these write-order guarantees. Libraries are used for what is not
 * core: zstd-jni and lz4-java for compression, Jackson for the JSON bodies, the JDK for AES-GCM, HMAC and HKDF.
 */
package coffer.vault;
