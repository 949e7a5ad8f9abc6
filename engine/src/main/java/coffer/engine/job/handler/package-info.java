/**
 * One {@link coffer.engine.job.JobHandler} per {@link coffer.engine.job.JobType}: each reads and checks its
 * job's parameters (unknown fields, wrong types: InvalidArgument naming the field), connects to the job's
 * host, runs the use case of {@code coffer.engine.instance} with the job's progress, records points in the
 * catalog, and returns the result JSON. {@link coffer.engine.job.handler.JobHandlers#handlers} assembles
 * them. Knows nothing of HTTP or of how jobs are claimed.
 */
package coffer.engine.job.handler;
