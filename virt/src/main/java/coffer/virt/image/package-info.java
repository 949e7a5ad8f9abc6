/**
 * Disk images on this host, for offline backup and restore: raw files and block devices read and written
 * directly ({@code lseek SEEK_DATA/SEEK_HOLE} to skip holes, {@code fallocate} to punch them), and qcow2 or any
 * other QEMU format served by a {@code qemu-nbd} child process and read or written with the NBD client of
 * {@code coffer.virt.nbd}. {@link coffer.virt.image.DiskImages} is the entry point;
 * {@link coffer.virt.image.QemuNbdServer} is public for callers that need more (persistent dirty bitmaps).
 *
 * <p>Owns: what an image's header claims (read by {@code ImageHeader}, never by a QEMU probe), the rule of which
 * format an image is read in and which files it may name ({@link coffer.virt.image.DiskImages#chooseFormat},
 * {@link coffer.virt.image.DiskImages#openSource}), image facts ({@code qemu-img info} with an explicit format),
 * image creation ({@code qemu-img create}), the lifecycle of
 * {@code qemu-nbd} processes with their private sockets, and the only use of the FFM API in this package
 * ({@code Libc}, whose types never leave it).
 *
 * <p>Must not know: libvirt or domains (a caller passes paths and formats, e.g. from domain XML), the NBD wire
 * protocol, chunks or vaults beyond the {@code coffer.vault.io} interfaces.
 */
package coffer.virt.image;
