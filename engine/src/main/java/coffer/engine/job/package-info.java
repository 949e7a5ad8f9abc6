/**
 * Jobs: every long operation (backup, restore, clone) is a row in the catalog that moves queued → running
 * → succeeded/failed/cancelled, is claimed atomically by a worker, heartbeats while it runs, reports
 * progress and a structured log, and can be cancelled (docs/design/jobs.md).
 * {@link coffer.engine.job.JobRunner} runs them; the handlers per type are in {@code coffer.engine.job.handler}.
 * The rows' SQL lives in {@code coffer.engine.catalog}. Must not know HTTP or the CLI.
 */
package coffer.engine.job;
