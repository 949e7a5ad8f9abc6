package coffer.server.console;

import coffer.engine.error.ErrorCode;

import java.util.EnumMap;
import java.util.Map;

/**
 * What to do about a stable error code, in the console's words: where a code's remedy names a command or an option of
 * the command line ({@code 'coffer point list'}, {@code --replace}), a person in the console is pointed at the page or
 * the field that does the same; every other code keeps its remedy (docs/design/errors.md), and a code with no console
 * wording here whose remedy names a command gets the API's, which names none. Stateless.
 */
public final class ConsoleRemedies {
    private static final Map<ErrorCode, String> WORDS = new EnumMap<>(ErrorCode.class);

    static {
        WORDS.put(ErrorCode.TargetExists, "Choose a new target path, or check \"Replace the file if it exists\".");
        WORDS.put(ErrorCode.PointNotFound, "Open Backup points and use one of the points listed there.");
        WORDS.put(ErrorCode.InstanceNotFound, "Open Instances and use one listed there; an instance defined in libvirt"
                + " since the server last looked is listed once the server refreshes its host.");
        WORDS.put(ErrorCode.UnknownRegion, "Name a region of the server's configuration: Regions lists each region with its"
                + " vaults and hosts.");
        WORDS.put(ErrorCode.PolicyRegionMismatch, "Bind a policy made for the instance's region; a policy's region is fixed"
                + " when it is created.");
        WORDS.put(ErrorCode.Unauthorized, "Sign in again with a token's secret (the server's first start wrote the admin"
                + " token to a file; an admin makes more on Tokens).");
        WORDS.put(ErrorCode.ResourceNotFound, "Check the name or id: the page of what you named lists them (Policies, Plans,"
                + " Groups, Tokens, ...).");
        WORDS.put(ErrorCode.JobNotFound, "Open Jobs and use one of the jobs listed there.");
        WORDS.put(ErrorCode.InstanceNotProtected, "Protect the instance first: select it on Instances and press Protect.");
        WORDS.put(ErrorCode.LastAdminToken, "Create another admin token first (Tokens, role admin), then revoke this one.");
        WORDS.put(ErrorCode.PolicyInUse, "Bind its plans to another policy or delete them first, on Plans.");
        WORDS.put(ErrorCode.PlanExists, "The instance already has a plan: bind that plan to this policy on Plans instead.");
        WORDS.put(ErrorCode.VerifyRunning, "A verify of this vault is queued or running already; follow it on Jobs, or"
                + " cancel it first (Verify lists the verify jobs not ended).");
        WORDS.put(ErrorCode.PointInUse, "The point is served (mounted, browsed or instantly restored); unmount it on Mounts or"
                + " cancel that job on Jobs first, then delete it. A retention sweep deletes it once it is no longer served.");
        WORDS.put(ErrorCode.DiskNotInPoint, "Open the point (Backup points) and use one of the disks it lists (vda, ...).");
        WORDS.put(ErrorCode.AlreadyMounted, "This disk of the point is already mounted into that instance; use that mount"
                + " (Mounts) or unmount it first.");
        WORDS.put(ErrorCode.MountNotFound, "Open Mounts and use one of the active mounts listed there.");
        WORDS.put(ErrorCode.GuestPathNotFound, "Open the directory above it from the point's files page: a guest path is"
                + " absolute and case-sensitive.");
        WORDS.put(ErrorCode.ExportNotAvailable, "Open Exports: an export downloads while it is available, until it expires;"
                + " export the files again after that.");
    }

    private ConsoleRemedies() {
    }

    /** The remedy the console shows for {@code code}: never a command line's command or option. */
    public static String of(ErrorCode code) {
        String words = WORDS.get(code);
        if (words != null) {
            return words;
        }
        return namesTheCommandLine(code.remedy()) ? code.apiRemedy() : code.remedy();
    }

    /** Whether a remedy names a command of the command line or one of its options. */
    static boolean namesTheCommandLine(String remedy) {
        return remedy.contains("'coffer ") || remedy.matches("(?s).*(^|[\\s(])--[a-z].*");
    }
}
