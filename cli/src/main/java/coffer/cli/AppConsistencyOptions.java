package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.AppConsistency;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * The seed's application-consistency options on the command line ({@code --app-consistent [--no-freeze]
 * [--no-writers] [--script-timeout D]}), for offline backups, server backups, policies and groups alike.
 * The options need {@code --app-consistent}; the script timeout is whole seconds, 1s to 3600s.
 */
final class AppConsistencyOptions {
    @Option(names = "--app-consistent", description = "Application-consistent backup through the guest agent: "
            + "Linux runs /tmp/prescript.sh, freezes file systems, takes the point, thaws, runs /tmp/postscript.sh "
            + "(scripts owned by root, mode 0700). What cannot be done lowers the point's consistency, with the reason.")
    boolean appConsistent;
    @Option(names = "--no-freeze", description = "With --app-consistent: do not freeze and thaw file system I/O "
            + "(the scripts still run; the point is CRASH-consistent).")
    boolean noFreeze;
    @Option(names = "--no-writers", description = "With --app-consistent, Windows guests: do not include VSS writers "
            + "(the point is FILESYSTEM-consistent).")
    boolean noWriters;
    @Option(names = "--script-timeout", paramLabel = "DURATION", converter = Values.DurationConverter.class,
            description = "With --app-consistent: how long each script may run (default: 60s).")
    Duration scriptTimeout;

    /** Whether any of these options was given. */
    boolean given() {
        return appConsistent || noFreeze || noWriters || scriptTimeout != null;
    }

    /**
     * The settings; InvalidArgument when an option is given without {@code --app-consistent}, or the script
     * timeout is not whole seconds from 1s to 3600s (offline and through a server alike).
     */
    AppConsistency consistency() {
        if (!appConsistent && given()) {
            throw new CofferException(ErrorCode.InvalidArgument,
                    "--no-freeze, --no-writers and --script-timeout need --app-consistent");
        }
        if (!appConsistent) {
            return AppConsistency.off();
        }
        Duration script = scriptTimeout == null ? AppConsistency.DEFAULT_SCRIPT_TIMEOUT : scriptTimeout;
        if (script.toNanosPart() != 0 || script.toSeconds() < 1
                || script.toSeconds() > AppConsistency.MAX_SCRIPT_TIMEOUT_SECONDS) {
            throw new CofferException(ErrorCode.InvalidArgument, "--script-timeout: whole seconds from 1s to "
                    + AppConsistency.MAX_SCRIPT_TIMEOUT_SECONDS + "s, got " + script);
        }
        return AppConsistency.on().withFreezeFileSystems(!noFreeze).withIncludeWriters(!noWriters)
                .withTimeouts(script, AppConsistency.DEFAULT_FREEZE_TIMEOUT, AppConsistency.DEFAULT_MAX_FROZEN);
    }

    /** The settings in the API's form. */
    Object json() {
        return consistency();
    }
}
