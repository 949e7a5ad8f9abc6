package coffer.virt.libvirt;

/**
 * What libvirt reports about one disk of a domain ({@code virDomainGetBlockInfo}), read in the format the
 * domain's definition gives: {@code capacity}, the size the guest sees; {@code allocation}, the bytes in use
 * on the host (for a running domain, QEMU's highest written offset on a block device); {@code physical}, the
 * size of the file or device holding it.
 *
 * <p>Immutable; thread-safe.
 */
public record BlockInfo(long capacity, long allocation, long physical) {
}
