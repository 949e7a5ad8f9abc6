/**
 * One {@link coffer.engine.job.JobHandler} per {@link coffer.engine.job.JobType}: each receives its job's
 * operation record (already checked when it was made), connects to the job's host, runs the use case of
 * {@code coffer.engine.instance} or {@code coffer.engine.group} with the job's progress, records points in the
 * catalog, and returns the operation's result record. {@link coffer.engine.job.handler.JobHandlers#handlers} assembles
 * them. Knows nothing of HTTP or of how jobs are claimed.
 */
package coffer.engine.job.handler;
