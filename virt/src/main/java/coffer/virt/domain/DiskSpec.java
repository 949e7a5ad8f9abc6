package coffer.virt.domain;

import java.util.Optional;

/**
 * One {@code <disk>} of a domain definition.
 *
 * @param target    the guest device name ({@code vda}); unique within a domain, the disk's name in points
 * @param device    {@code disk}, {@code cdrom}, {@code floppy} or {@code lun}
 * @param type      source type: {@code file}, {@code block}, {@code network}, {@code volume}, {@code dir}, {@code nvme}
 * @param format    driver type ({@code qcow2}, {@code raw}, …) or null when not given
 * @param source    file or device path, or a description for other source types; null for an empty drive
 * @param shareable {@code <shareable/>} present
 * @param readOnly  {@code <readonly/>} present
 * @param transientDisk {@code <transient/>} present
 *
 * <p>Immutable.
 */
public record DiskSpec(String target, String device, String type, String format, String source, String bus,
                       boolean shareable, boolean readOnly, boolean transientDisk) {

    /** Why this disk cannot be backed up, or empty when it can. */
    public Optional<String> unsupportedReason() {
        if (!"disk".equals(device)) {
            return Optional.of(switch (device) {
                case "cdrom" -> "cdrom drive";
                case "floppy" -> "floppy drive";
                case "lun" -> "LUN passthrough (SCSI commands go to the device, there is no image to read)";
                default -> "device type '" + device + "'";
            });
        }
        if (shareable) {
            return Optional.of("shareable disk (other domains may write it; no consistent point can be taken)");
        }
        if (readOnly) {
            return Optional.of("read-only disk");
        }
        if (transientDisk) {
            return Optional.of("transient disk (its changes are discarded when the domain stops)");
        }
        if (!"file".equals(type) && !"block".equals(type)) {
            return Optional.of("'" + type + "' disk source is not supported (only file and block disks)");
        }
        if (source == null || source.isBlank()) {
            return Optional.of("disk has no source");
        }
        return Optional.empty();
    }

    public boolean supported() {
        return unsupportedReason().isEmpty();
    }

    /** Whether QEMU can keep a persistent dirty bitmap for it (qcow2 only): incrementals need one. */
    public boolean bitmapCapable() {
        return "qcow2".equals(format);
    }

    /** The format to read and write it in: the driver type, {@code raw} when none is given. */
    public String formatOrRaw() {
        return format == null ? "raw" : format;
    }
}
