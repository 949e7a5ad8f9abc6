package coffer.virt.image;

import java.util.List;
import java.util.Objects;

/**
 * What {@code qemu-img info} says about an image: its format ({@code raw}, {@code qcow2}, {@code vmdk}, ...),
 * its virtual size, and the persistent dirty bitmaps stored in it (qcow2 only).
 *
 * <p>Immutable; thread-safe.
 */
public record ImageInfo(String format, long virtualSize, List<String> bitmaps) {
    public ImageInfo {
        Objects.requireNonNull(format, "format");
        bitmaps = List.copyOf(bitmaps);
        if (virtualSize < 0) {
            throw new IllegalArgumentException("negative virtual size " + virtualSize);
        }
    }

    public boolean raw() {
        return format.equals(ImageFormat.RAW.qemuName());
    }
}
