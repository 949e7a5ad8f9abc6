/**
 * Live access to points: a point's disks served read-only over NBD straight from the vault
 * ({@link coffer.engine.live.PointServer}), for tools, for mounting into a running instance and for instant
 * restore. The jobs, API and catalog records that keep such an export alive with an expiry are built on top of
 * this package, not in it.
 */
package coffer.engine.live;
