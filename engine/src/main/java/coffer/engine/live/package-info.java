/**
 * Live access to points: a point's disks served read-only over NBD straight from the vault
 * ({@link coffer.engine.live.PointServer}), for tools, for mounting into a running instance and for instant
 * restore, under a lease that keeps the point from deletion; a mount's directory ({@link coffer.engine.live.MountDirectory}),
 * browsing sessions (one request's, {@link coffer.engine.live.PointBrowse}; a server's, kept between requests,
 * {@link coffer.engine.live.BrowseSessions}), the server's export area ({@link coffer.engine.live.ExportArea}) and what
 * a server gives its live access ({@link coffer.engine.live.LiveAccess}). The jobs, API and catalog records that keep an export alive with an expiry
 * ({@code coffer.engine.job.handler}) are built on top of this package, not in it.
 */
package coffer.engine.live;
