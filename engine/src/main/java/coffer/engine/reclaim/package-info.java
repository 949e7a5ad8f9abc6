/**
 * Space reclaimed on time (docs/design/assurance.md): the vault's gc run by the server soon after points are deleted
 * or expire, in small steps that keep backups waiting only briefly. {@link coffer.engine.reclaim.ReclaimDecision}
 * decides, as a pure function, whether a vault's gc is due now and with which grace, lock wait and sweep budget;
 * {@link coffer.engine.reclaim.SpaceReclaim} keeps each vault's state, runs the vault's {@code GarbageCollector} when
 * due and reports what it reclaimed as a typed {@link coffer.engine.reclaim.ReclaimRun}. Knows nothing of jobs or
 * HTTP: the server's loop calls it and logs its result.
 */
package coffer.engine.reclaim;
