/**
 * Disk images on this host, for offline backup and restore: raw files and block devices read and written
 * directly ({@code lseek SEEK_DATA/SEEK_HOLE} to skip holes, {@code fallocate} to punch them); new qcow2 images
 * written directly ({@link coffer.virt.image.Qcow2FileSink}: hand-written because QEMU offers no library, and
 * writing through {@code qemu-nbd} cost a restore twice the time of a raw one); qcow2 or any other QEMU format
 * read from a {@code qemu-nbd} child process with the NBD client of {@code coffer.virt.nbd}.
 * {@link coffer.virt.image.DiskImages} is the entry point; {@link coffer.virt.image.QemuNbdServer} is public for
 * callers that need more (persistent dirty bitmaps).
 *
 * <p>Owns: what an image's header claims (read by {@code ImageHeader}, never by a QEMU probe), the rule of which
 * format an image is read in and which files it may name ({@link coffer.virt.image.DiskImages#chooseFormat},
 * {@link coffer.virt.image.DiskImages#openSource}), image facts ({@code qemu-img info} with an explicit format),
 * the qcow2 layout of new images ({@code Qcow2FileSink}), overlays and bitmaps ({@code qemu-img create},
 * {@code qemu-img bitmap}), the lifecycle of {@code qemu-nbd} processes with their private sockets, and the only
 * use of the FFM API in this package ({@code Libc}, whose types never leave it).
 *
 * <p>Must not know: libvirt or domains (a caller passes paths and formats, e.g. from domain XML), the NBD wire
 * protocol, chunks or vaults beyond the {@code coffer.vault.io} interfaces.
 */
package coffer.virt.image;
