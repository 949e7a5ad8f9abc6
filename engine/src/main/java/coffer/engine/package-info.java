/**
 * Coffer's use cases: what users ask for (back up, restore, verify, …), built from the vault and virt
 * layers through their small interfaces. Owns the error catalogue ({@link coffer.engine.error.ErrorCode})
 * that every boundary (CLI, API, jobs) maps to. Knows nothing of HTTP, terminals or picocli.
 */
package coffer.engine;
