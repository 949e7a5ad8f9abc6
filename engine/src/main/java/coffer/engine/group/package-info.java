/**
 * Consistency groups (docs/design/consistency-groups.md): several instances of one libvirt host backed up
 * at one instant — all paused (crash mode) or all frozen and paused (application mode) across the
 * {@code backup-begin} of every member, then resumed and thawed at once — and restored or cloned together.
 *
 * <p>A group point is not an object of its own: it is the set of member points that carry the same
 * group id ({@link coffer.engine.instance.PointFacts.Group}). This package drives {@code coffer.engine.instance}'s
 * staged backups and restores; it knows nothing of the catalog, the API or the CLI.
 */
package coffer.engine.group;
