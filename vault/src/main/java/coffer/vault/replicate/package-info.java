/**
 * Copying points between vaults (replication, docs/design/replication.md): a point of one vault becomes a
 * replica, a point of another vault whose chunks are re-hashed with that vault's chunk-id key, re-encrypted with
 * its key and compressed by its settings, whose indexes are rebuilt from the new ids (patches re-based), and
 * which is published in the destination's write order (chunks, indexes, manifest) only once every object that
 * arrived was read back and checked. Only what the destination lacks moves: unchanged chunks are taken from the
 * destination's replica of the point's parent, the rest is looked up or stored conditionally.
 *
 * <p>Knows vaults only: regions, catalogs, policies and jobs are the engine's ({@code coffer.engine.replication}).
 */
package coffer.vault.replicate;
