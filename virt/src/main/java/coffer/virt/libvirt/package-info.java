/**
 * libvirt through the Java FFM API: {@link coffer.virt.libvirt.Libvirt} is one connection
 * ({@code libvirt.so.0}, {@code libvirt-qemu.so.0}, libvirt 9.0 or later) with the calls Coffer needs: list and
 * look up domains, XML, state, define/start/destroy/undefine, suspend/resume, checkpoints, pull-mode backup
 * jobs, job stats and abort, guest agent and QEMU monitor commands. Failures are
 * {@link coffer.virt.libvirt.LibvirtException}s carrying libvirt's error number, domain and message.
 *
 * <p>Owns the C bindings (package-private {@code Native}, {@code TypedParams}): no {@code java.lang.foreign}
 * type appears in a public signature or leaves this package, and every libvirt object and string a call gets
 * is freed before the call returns. Facts about libvirt's backup and checkpoint behaviour that the callers
 * rely on are in {@code docs/design/libvirt.md}.
 *
 * <p>Must not know: domain XML beyond passing strings (see {@code coffer.virt.domain}), NBD (the exports a
 * backup opens are read with {@code coffer.virt.nbd}), points, vaults, policies or jobs.
 */
package coffer.virt.libvirt;
