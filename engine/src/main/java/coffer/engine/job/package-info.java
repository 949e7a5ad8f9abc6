/**
 * Jobs: every long operation (backup, restore, clone) is a row in the catalog that moves queued → running
 * → succeeded/failed/cancelled, is claimed atomically by a worker, heartbeats while it runs, reports
 * progress and a structured log, and can be cancelled (docs/design/jobs.md).
 */
package coffer.engine.job;
