package coffer.virt.image;

/**
 * The formats Coffer writes restored disks in.
 *
 * <p>Immutable; thread-safe.
 */
public enum ImageFormat {
    RAW("raw"),
    QCOW2("qcow2");

    private final String qemuName;

    ImageFormat(String qemuName) {
        this.qemuName = qemuName;
    }

    /** The name QEMU tools use ({@code -f raw}, {@code --format=qcow2}). */
    public String qemuName() {
        return qemuName;
    }
}
