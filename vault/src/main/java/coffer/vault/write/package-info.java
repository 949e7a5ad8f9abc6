/**
 * Writing points: the chunk pipeline (read, zero-detect, hash, dedup, compress, encrypt, store), the write order,
 * and what a failed or cancelled writer gives back (its chunks no point uses, docs/design/gc.md).
 */
package coffer.vault.write;
