package coffer.vault;

import java.io.IOException;

/** A vault object has a format version this build cannot read (written by a newer Coffer, or unknown). */
public final class UnsupportedFormatException extends IOException {
    public UnsupportedFormatException(String object, String format, int found, int supported) {
        super("vault object '" + object + "' has " + format + " version " + found
                + "; this Coffer reads versions up to " + supported + " (upgrade Coffer to read it)");
    }
}
