package coffer.virt.image;

import java.io.IOException;
import java.util.Objects;

/**
 * An image Coffer will not read as asked, for the {@link Reason} given; the message names the image and what
 * was found.
 *
 * <p>Immutable; thread-safe.
 */
public final class ImageRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why the image was refused. */
    public enum Reason {
        /** The format asked for is not one Coffer reads images in. */
        UNKNOWN_FORMAT,
        /** Its header names another file (a backing file, an external data file), and following those was not asked for. */
        NAMES_ANOTHER_FILE,
        /** Its header claims a format whose data can live in further files (VMDK): the format must be named, not guessed. */
        FORMAT_NOT_GUESSED
    }

    private final String image;
    private final Reason reason;

    ImageRefusedException(String image, Reason reason, String message) {
        super(message);
        this.image = Objects.requireNonNull(image, "image");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The image's path. */
    public String image() {
        return image;
    }

    public Reason reason() {
        return reason;
    }
}
