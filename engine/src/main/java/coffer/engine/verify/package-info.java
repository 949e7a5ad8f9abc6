/**
 * Scheduled verification of vaults (docs/design/assurance.md): {@link coffer.engine.verify.VaultVerification} runs a
 * full or a sampled verify of one vault (the vault's {@code Verifier} with a {@code ChunkSample} slice), drops damage
 * of points deleted meanwhile, quarantines damaged chunks when the vault's lock can be had, and records the run in the
 * catalog; {@link coffer.engine.verify.VerifySchedule} decides, as a pure function, which run is due and which slice a
 * sampled run reads. Knows nothing of jobs or HTTP: a job handler calls the use case and stores its result.
 */
package coffer.engine.verify;
