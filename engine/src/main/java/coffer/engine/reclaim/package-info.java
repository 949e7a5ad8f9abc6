/**
 * Space reclaimed on time (docs/design/assurance.md): the vault's gc run by the server soon after points are deleted
 * or expire, in small steps that keep backups waiting only briefly. {@link coffer.engine.reclaim.ReclaimDecision}
 * decides, as a pure function, whether a vault's gc is due now and with which grace, lock wait and sweep budget;
 * {@link coffer.engine.reclaim.SpaceReclaim} keeps each vault's state, runs the vault's {@code GarbageCollector} when
 * due and reports what it reclaimed as a typed {@link coffer.engine.reclaim.ReclaimRun};
 * {@link coffer.engine.reclaim.ReclaimHistory} is the server's loop over its vaults, keeping and logging what each step
 * reclaimed. Knows nothing of jobs or HTTP.
 */
package coffer.engine.reclaim;
