/**
 * One {@link coffer.engine.job.JobHandler} per {@link coffer.engine.job.JobType}: each receives its job's
 * operation record (already checked when it was made), connects to the job's host, runs the use case of
 * {@code coffer.engine.instance}, {@code coffer.engine.group}, {@code coffer.engine.verify} or
 * {@code coffer.engine.drill} with the job's progress, records points in the catalog (and judges their change:
 * {@code ChangeJudging}), and returns the operation's result record. {@link coffer.engine.job.handler.JobHandlers#handlers} assembles
 * them. Knows nothing of HTTP or of how jobs are claimed.
 *
 * <p>The live-access jobs (docs/design/live-access.md) live here too: a mount that serves until it expires
 * ({@code MountHandler}), its unmount, an instant restore, a file export into the server's export area; and what a
 * server's start runs after its runner failed the jobs of dead workers: {@code StaleMounts} (disks reading a dead
 * export detached) and {@code StaleInstantRestores} (instances reading a dead export removed), and the export records'
 * sweep ({@code ExportRecords}).
 */
package coffer.engine.job.handler;
