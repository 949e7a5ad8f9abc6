package coffer.vault;

import java.io.IOException;

/** No point matches the given id, id prefix or name; or a prefix matches several. */
public final class PointNotFoundException extends IOException {
    public PointNotFoundException(String message) {
        super(message);
    }
}
