/**
 * Reading points back, every chunk authenticated: restoring a disk into a sink ({@link coffer.vault.read.DiskRestorer}),
 * and reading a disk on demand at any offset ({@link coffer.vault.read.PointDiskSource}, what an NBD export of a point
 * serves) through a bounded cache of chunk contents shared by every point of a vault
 * ({@link coffer.vault.read.ChunkCache}, on Caffeine).
 */
package coffer.vault.read;
