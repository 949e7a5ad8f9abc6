/**
 * The catalog: Coffer's metadata in SQL (hosts, instances, protections, points, jobs, tokens), on SQLite
 * (default, zero set-up) or PostgreSQL, through one code path and versioned migrations
 * (docs/design/catalog.md). The vault stays the source of truth: {@link coffer.engine.catalog.CatalogRebuild}
 * recreates the points of every instance from the vault's manifests.
 */
package coffer.engine.catalog;
