package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local side of {@code coffer export download --to FILE [--resume]}: the file is checked before the server is
 * asked, so a mistyped directory is named as such (it was reported as an unreachable server), and a resume of a
 * file that already holds the whole archive ends well instead of failing on the server's {@code 416}. Stateless.
 */
final class DownloadTarget {
    private static final Pattern WHOLE = Pattern.compile("bytes \\*/(\\d+)");

    private DownloadTarget() {
    }

    /** InvalidArgument when FILE's directory does not exist; TargetExists when FILE exists and this is no resume. */
    static void check(Path to, boolean resume) {
        Path parent = to.toAbsolutePath().normalize().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new CofferException(ErrorCode.InvalidArgument, "--to " + to + ": the directory " + parent
                    + (Files.exists(parent) ? " is not a directory" : " does not exist"));
        }
        if (!resume && Files.exists(to)) {
            throw exists(to);
        }
    }

    static CofferException exists(Path to) {
        return new CofferException(ErrorCode.TargetExists, to + " already exists (--resume appends the rest of a broken"
                + " download to it)");
    }

    static CofferException unwritable(Path to, IOException e) {
        String why = e instanceof NoSuchFileException ? "its directory does not exist"
                : e instanceof AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
        return new CofferException(ErrorCode.InvalidArgument, "--to " + to + ": cannot write it: " + why);
    }

    /**
     * The server's answer to a resume from byte {@code from} that it cannot satisfy ({@code 416}, {@code Content-Range:
     * bytes *}{@code /SIZE}): 0 (nothing more to fetch) when FILE holds exactly the archive's size; otherwise FILE is
     * not the start of this archive, and that is said.
     */
    static long alreadyWhole(Path to, long from, String contentRange) {
        Matcher m = WHOLE.matcher(contentRange == null ? "" : contentRange.trim());
        if (m.matches() && Long.parseLong(m.group(1)) == from) {
            return 0;
        }
        throw new CofferException(ErrorCode.InvalidArgument, to + " holds " + from + " bytes, "
                + (m.matches() ? "more than the export's archive (" + m.group(1) + " bytes)" : "which the server cannot resume from")
                + ": it is not the start of this export; download it to a new file");
    }
}
