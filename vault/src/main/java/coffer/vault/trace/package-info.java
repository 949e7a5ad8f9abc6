/**
 * Tracing for performance work: {@link coffer.vault.trace.PhaseTrace}, the one switch ({@code COFFER_TRACE}) and the one
 * printer of timing lines for every module (docs/performance.md). In the vault, the lowest layer, so that the vault's own
 * write path prints through it as the engine and the command line do.
 */
package coffer.vault.trace;
