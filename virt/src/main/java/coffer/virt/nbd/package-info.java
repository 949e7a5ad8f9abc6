/**
 * NBD, both sides. The client reads and writes disks exported by QEMU (libvirt pull-mode backups),
 * {@code qemu-nbd} and any other NBD server; the server ({@link coffer.virt.nbd.NbdServer}) serves any
 * {@code BlockSource} — a point's disk read from the vault on demand — read-only to {@code nbdinfo},
 * {@code nbdcopy}, {@code qemu-img} and QEMU block devices. Both over Unix domain sockets or TCP.
 *
 * <p>Owns the wire protocol (fixed newstyle handshake with structured replies, meta contexts and block size
 * constraints; read, write, write zeroes, flush, block status, disconnect) with its numbers in one place
 * ({@code Protocol}, {@code Wire}), the mapping of {@code base:allocation} and {@code qemu:dirty-bitmap:NAME}
 * extents to data and dirty ranges, the pools of connections behind {@link coffer.virt.nbd.NbdExportSource} and
 * {@link coffer.virt.nbd.NbdExportSink}, which implement the vault's {@code BlockSource}/{@code BlockSink}, and the
 * server's handshake and transmission ({@code ServerHandshake}, {@code ServerConnection}).
 *
 * <p>Hand-written, not bound to libnbd or nbdkit: reading and serving disks is the product's core path, and its
 * failure modes (a server that answers with fewer extents than asked, a maximum request size, an error chunk in the
 * middle of a read, a connection lost mid-restore, damaged vault data under a client's read) must be handled and
 * tested here, in Java, without a native library to install and bind on every host. The protocol is small and
 * stable enough for that.
 *
 * <p>Must not know: libvirt, domains, disk image formats or files (see {@code coffer.virt.image}), chunks,
 * vaults beyond the {@code coffer.vault.io} interfaces, policies or jobs. No FFM here.
 */
package coffer.virt.nbd;
