/**
 * The catalog: Coffer's metadata in SQL (hosts, instances, protections, points, jobs, tokens), on SQLite
 * (default, zero set-up) or PostgreSQL, through one code path and versioned migrations
 * (docs/design/catalog.md). The vault stays the source of truth: {@link coffer.engine.catalog.CatalogRebuild}
 * recreates the points of every instance from the vault's manifests. Lists are read a page at a time: the points,
 * jobs and group points in time order after a {@link coffer.engine.catalog.PageCursor}, the named things (instances,
 * plans, policies, tokens, groups, protections) by name after a {@link coffer.engine.catalog.NameCursor}; the
 * capacity view's sums are the database's ({@link coffer.engine.catalog.PointTotals}); the console's sessions are
 * rows too ({@link coffer.engine.catalog.ConsoleSessions}); which of several servers on one catalog leads (runs the scheduler) is a
 * {@link coffer.engine.catalog.Leadership} (a PostgreSQL advisory lock); the job changes of the other servers are heard
 * through PostgreSQL's {@code LISTEN/NOTIFY} ({@code JobNotices}, for agents' waiting claims).
 *
 * <p>Plain JDBC, not Jdbi: the schema is small, the statements are few and portable, and one
 * package-private class ({@code Sql}: parameters, row mapping, transactions, one error translation) is all
 * the help they need; a mapping library would add a dependency and a second way to write a query. JDBC
 * types, {@code SQLException} and SQL text never leave this package: the repositories' interfaces speak in
 * records and {@link coffer.engine.error.CofferException} (CatalogFailure). The job rows' interface
 * ({@link coffer.engine.job.Jobs}) lives with the jobs; its SQL implementation lives here.
 *
 * <p>Must not know HTTP, the CLI, or how jobs are run.
 */
package coffer.engine.catalog;
