package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.AppConsistency;
import coffer.engine.instance.AppConsistencyJson;
import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * The seed's application-consistency options on the command line ({@code --app-consistent [--no-freeze]
 * [--no-writers] [--script-timeout D]}), for offline backups, server backups, policies and groups alike.
 * The options need {@code --app-consistent}; a script timeout sent to a server must be whole seconds.
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

    /** The settings; InvalidArgument when an option is given without {@code --app-consistent}. */
    AppConsistency consistency() {
        if (!appConsistent && given()) {
            throw new CofferException(ErrorCode.InvalidArgument,
                    "--no-freeze, --no-writers and --script-timeout need --app-consistent");
        }
        if (!appConsistent) {
            return AppConsistency.off();
        }
        Duration script = scriptTimeout == null ? AppConsistency.DEFAULT_SCRIPT_TIMEOUT : scriptTimeout;
        if (script.isNegative() || script.isZero()) {
            throw new CofferException(ErrorCode.InvalidArgument, "--script-timeout must be positive, got " + script);
        }
        return AppConsistency.on().withFreezeFileSystems(!noFreeze).withIncludeWriters(!noWriters)
                .withTimeouts(script, AppConsistency.DEFAULT_FREEZE_TIMEOUT, AppConsistency.DEFAULT_MAX_FROZEN);
    }

    /** The settings in the API's form; the script timeout must be whole seconds, 1 to 3600. */
    JsonNode json() {
        AppConsistency consistency = consistency();
        if (consistency.enabled()) {
            Duration script = consistency.scriptTimeout();
            if (script.toNanosPart() != 0 || script.toSeconds() > AppConsistencyJson.MAX_SCRIPT_TIMEOUT_SECONDS) {
                throw new CofferException(ErrorCode.InvalidArgument, "--script-timeout: a server takes whole seconds from 1s to "
                        + AppConsistencyJson.MAX_SCRIPT_TIMEOUT_SECONDS + "s, got " + script);
            }
        }
        return AppConsistencyJson.write(consistency);
    }
}
