/**
 * Protection plans at work: the scheduler that turns persisted next-run times into backup jobs
 * ({@link coffer.engine.plan.PlanScheduler}) and, of several servers on one catalog, the one that ticks it
 * ({@link coffer.engine.plan.LeadingScheduler}), retention that deletes expired points
 * ({@link coffer.engine.plan.RetentionSweep}), the checks and changes people make to a point's lifetime
 * ({@link coffer.engine.plan.PointLifecycle}), and the backup-job decorator that marks a plan's points and
 * sweeps after each backup ({@link coffer.engine.plan.PlanBackup}), and the adoption of the point a lost backup job
 * committed in its vault before its catalog row ({@link coffer.engine.plan.LostPoints}), which a plan's retry looks
 * for first wherever it runs, a server's worker or an agent ({@link coffer.engine.plan.InterruptedRunFirst}).
 *
 * <p>Owns: when a plan runs, what a due run of a suspended or released plan records, which points are deleted.
 * The arithmetic is {@link coffer.engine.policy}'s (pure); persistence is the catalog's. Time comes from an
 * injected {@link java.time.Clock}, so tests drive weeks of schedule in seconds. Must not know HTTP or the CLI.
 * Design: docs/design/scheduler.md.
 */
package coffer.engine.plan;
