/**
 * Restore drills (docs/design/assurance.md): proof that a point boots. {@link coffer.engine.drill.RestoreDrill}
 * restores the newest point of an instance as a throwaway copy that reaches nothing outside its own disks (no network
 * interface: {@code DomainDefinition.isolated}), boots it, waits for its guest agent, optionally runs a check command
 * through the agent, and destroys the copy and its disks on every path; the outcome is a typed
 * {@code coffer.engine.catalog.DrillRun}, recorded in the catalog. {@link coffer.engine.drill.DrillBudget} keeps drills
 * to a number per host; {@link coffer.engine.drill.DrillLeftovers} removes the copies of drills whose process died.
 * Knows nothing of jobs or HTTP.
 */
package coffer.engine.drill;
