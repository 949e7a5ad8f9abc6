/**
 * Looking inside a disk's file systems without mounting them on the host: libguestfs ({@code libguestfs.so.0},
 * Debian package {@code libguestfs0} with its appliance tools) bound through the FFM API, as {@code coffer.virt.libvirt}
 * binds libvirt. libguestfs boots a small appliance VM that reads the disk (an NBD export of a point, read-only)
 * and answers file system questions: partitions, file systems, directory listings, file metadata, file contents.
 * The guest's file systems are parsed inside that VM, never by the host kernel or by Coffer: nothing a guest
 * controls decides what the host runs.
 *
 * <p>Bound, not driven as {@code guestfish} processes: typed results (a file name is a string, never a line of
 * text to split), errors as exceptions with libguestfs's message, and one handle per session. Not through
 * Debian's {@code libguestfs-java}: that is a JNI jar outside Maven Central, which the build could not depend on.
 * Only the functions of libguestfs 1.48 (Debian 12) that this package uses are bound.
 *
 * <p>The appliance is slow to start under TCG (no usable KVM): seconds to tens of seconds, see
 * docs/design/live-access.md. Must not know: vaults, points, tar archives, jobs.
 */
package coffer.virt.guestfs;
