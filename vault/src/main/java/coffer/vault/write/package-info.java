/** Writing points: the chunk pipeline (read, zero-detect, hash, dedup, compress, encrypt, store) and the write order. */
package coffer.vault.write;
