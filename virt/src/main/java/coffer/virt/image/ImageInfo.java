package coffer.virt.image;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code qemu-img info} says about an image read in a given format ({@code raw}, {@code qcow2},
 * {@code vmdk}, ...): its virtual size, bytes allocated on the host ({@code actualSize}, -1 when unknown), the
 * backing file its header names (not opened), and the persistent
 * dirty bitmaps stored in it (qcow2 only), with those marked in-use while no QEMU has the image open: such a
 * bitmap was not saved cleanly and cannot be trusted.
 *
 * <p>Immutable; thread-safe.
 */
public record ImageInfo(String format, long virtualSize, long actualSize, Optional<String> backingFile,
                        List<String> bitmaps, List<String> inconsistentBitmaps) {
    public ImageInfo {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(backingFile, "backingFile");
        bitmaps = List.copyOf(bitmaps);
        inconsistentBitmaps = List.copyOf(inconsistentBitmaps);
        if (virtualSize < 0) {
            throw new IllegalArgumentException("negative virtual size " + virtualSize);
        }
    }

    public boolean raw() {
        return format.equals(ImageFormat.RAW.qemuName());
    }
}
