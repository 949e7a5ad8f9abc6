/**
 * What this host process leaves behind if it is killed with no chance to clean up (kill -9, the OOM killer):
 * {@link coffer.virt.process.DeathGuard} arms a small detached helper process ({@code setsid sh}) that acts only
 * when this JVM dies before disarming it. It runs a {@code virsh} command (thaw a frozen guest, resume a paused
 * domain, abort a backup job), stops a child process such as a {@code qemu-nbd} (which would otherwise hold its
 * image's lock) and removes its private directory, or removes a temporary file (a restore's
 * {@code <file>.coffer-restore}). Why each guard exists and what it covers is in {@code docs/design/consistency.md},
 * {@code docs/design/consistency-groups.md}, {@code docs/design/change-tracking.md} and
 * {@code docs/design/backup-flow.md}.
 *
 * <p>Owns: the helper's scripts and the pipe that disarms it; checking that a pid to stop still names the process
 * it was armed for.
 *
 * <p>Must not know: libvirt's API (a guard passes a URI and {@code virsh} arguments as strings), images, NBD,
 * points or vaults; when to arm or disarm a guard (its callers in {@code coffer.virt.agent},
 * {@code coffer.virt.image} and {@code coffer.engine} decide).
 */
package coffer.virt.process;
