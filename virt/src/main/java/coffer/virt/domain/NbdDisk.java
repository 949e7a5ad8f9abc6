package coffer.virt.domain;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A read-only virtio disk whose data comes from an NBD export on a Unix socket: the {@code <disk>} element that
 * hot-plugs a point's disk into a running instance, or backs an instant restore's overlay. A network disk of
 * protocol {@code nbd} with {@code <readonly/>}: the guest cannot write it and QEMU opens the export read-only.
 *
 * <p>Immutable; thread-safe.
 *
 * @param target   the guest device name it gets, e.g. {@code vdc}
 * @param socket   the NBD server's Unix socket
 * @param export   the export's name on that server
 * @param serial   the disk's serial number as the guest sees it (its {@code /dev/disk/by-id} name), or null
 */
public record NbdDisk(String target, Path socket, String export, String serial) {
    private static final String VIRTIO_PREFIX = "vd";

    public NbdDisk {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(export, "export");
        if (target == null || !target.matches("vd[a-z]{1,2}")) {
            throw new IllegalArgumentException("a virtio disk target is vd followed by one or two letters, not " + target);
        }
        if (serial != null && !serial.matches("[A-Za-z0-9_.+-]{1,20}")) {
            throw new IllegalArgumentException("a disk serial is 1 to 20 letters, digits or _.+-, not " + serial);
        }
    }

    /** The {@code <disk>} element for {@code virDomainAttachDeviceFlags}. */
    public String xml() {
        return """
                <disk type='network' device='disk'>
                  <driver name='qemu' type='raw' cache='none'/>
                  <source protocol='nbd' name='%s'>
                    <host transport='unix' socket='%s'/>
                  </source>
                  <target dev='%s' bus='virtio'/>
                  <readonly/>
                %s</disk>
                """.formatted(escape(export), escape(socket.toString()), target,
                serial == null ? "" : "  <serial>" + serial + "</serial>\n");
    }

    /** Just enough to name the disk for {@code virDomainDetachDeviceFlags}: libvirt finds it by its target. */
    public String detachXml() {
        return "<disk type='network' device='disk'><target dev='" + target + "' bus='virtio'/></disk>";
    }

    /** The first virtio target ({@code vda}, {@code vdb}, … {@code vdz}, {@code vdaa}, …) the domain does not use. */
    public static String freeTarget(DomainDefinition domain) {
        Set<String> used = new HashSet<>();
        for (DiskSpec disk : domain.disks()) {
            used.add(disk.target());
        }
        for (int i = 0; i < 26 + 26 * 26; i++) {
            String suffix = i < 26 ? String.valueOf((char) ('a' + i))
                    : String.valueOf((char) ('a' + (i - 26) / 26)) + (char) ('a' + (i - 26) % 26);
            if (!used.contains(VIRTIO_PREFIX + suffix)) {
                return VIRTIO_PREFIX + suffix;
            }
        }
        throw new IllegalArgumentException("domain " + domain.name() + " has no free virtio disk name left");
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")
                .replace("\"", "&quot;");
    }
}
