package coffer.engine.instance;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The application-consistency settings of one backup (the seed's "启用应用一致性备份" options; see
 * docs/design/consistency.md for what each combination yields).
 *
 * <p>Its JSON form is one for a policy, a backup, a group backup and clone (field {@code appConsistent}):
 * <pre>{@code
 * false | null | absent                      crash-consistent (off())
 * true                                       application-consistent with the defaults (on())
 * {"freezeFileSystems": true,                application-consistent with these options; each optional,
 *  "includeWriters": true,                   defaults as in on()
 *  "scriptTimeoutSeconds": 60}
 * }</pre>
 * {@code scriptTimeoutSeconds} is 1 to {@value #MAX_SCRIPT_TIMEOUT_SECONDS}, offline and through a server alike.
 * The freeze timeout and the watchdog bound are not settable: they are safety bounds, not preferences. It is
 * written as {@code false} or the full object, so what is stored reads back exactly.
 *
 * <p>Immutable; thread-safe.
 *
 * @param enabled           "application-consistent backup": quiesce the guest through its agent; off gives CRASH
 * @param freezeFileSystems "freeze and thaw file system I/O" ({@code guest-fsfreeze-freeze} around the instant);
 *                          off: the Linux scripts still run but nothing is frozen, and the point is CRASH
 * @param includeWriters    Windows: "include writers by default"; off gives FILESYSTEM (the agent's VSS freeze
 *                          cannot leave the writers out, so Coffer records the level the user asked for)
 * @param scriptTimeout     how long {@code /tmp/prescript.sh} and {@code /tmp/postscript.sh} may each run
 * @param freezeTimeout     how long {@code guest-fsfreeze-freeze} may take (it flushes the guest's dirty data)
 * @param maxFrozen         the watchdog's bound: the guest is thawed this long after the freeze was sent,
 *                          whatever the backup is doing
 */
public record AppConsistency(boolean enabled, boolean freezeFileSystems, boolean includeWriters,
                             Duration scriptTimeout, Duration freezeTimeout, Duration maxFrozen) {
    public static final Duration DEFAULT_SCRIPT_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_FREEZE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX_FROZEN = Duration.ofSeconds(30);
    public static final int MAX_SCRIPT_TIMEOUT_SECONDS = 3_600;

    public AppConsistency {
        Objects.requireNonNull(scriptTimeout, "scriptTimeout");
        Objects.requireNonNull(freezeTimeout, "freezeTimeout");
        Objects.requireNonNull(maxFrozen, "maxFrozen");
        for (Duration d : new Duration[]{scriptTimeout, freezeTimeout, maxFrozen}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive: " + d);
            }
        }
        if (maxFrozen.compareTo(freezeTimeout) <= 0) {
            throw new IllegalArgumentException("maxFrozen (" + maxFrozen + ") must exceed freezeTimeout ("
                    + freezeTimeout + ")");
        }
    }

    /** Crash-consistent: the guest is not involved. */
    public static AppConsistency off() {
        return new AppConsistency(false, true, true, DEFAULT_SCRIPT_TIMEOUT, DEFAULT_FREEZE_TIMEOUT, DEFAULT_MAX_FROZEN);
    }

    /** Application-consistent with the seed's defaults: freeze on, writers included, default timeouts. */
    public static AppConsistency on() {
        return new AppConsistency(true, true, true, DEFAULT_SCRIPT_TIMEOUT, DEFAULT_FREEZE_TIMEOUT, DEFAULT_MAX_FROZEN);
    }

    public AppConsistency withFreezeFileSystems(boolean freeze) {
        return new AppConsistency(enabled, freeze, includeWriters, scriptTimeout, freezeTimeout, maxFrozen);
    }

    public AppConsistency withIncludeWriters(boolean writers) {
        return new AppConsistency(enabled, freezeFileSystems, writers, scriptTimeout, freezeTimeout, maxFrozen);
    }

    public AppConsistency withTimeouts(Duration script, Duration freeze, Duration frozenAtMost) {
        return new AppConsistency(enabled, freezeFileSystems, includeWriters, script, freeze, frozenAtMost);
    }

    /** {@code true}: the defaults; {@code false}: off. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static AppConsistency of(boolean enabled) {
        return enabled ? on() : off();
    }

    /** Text is none of the forms: refused naming the forms. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static AppConsistency of(String text) {
        throw new IllegalArgumentException("expected true, false or {\"freezeFileSystems\": bool, \"includeWriters\": bool, "
                + "\"scriptTimeoutSeconds\": n}, got \"" + text + "\"");
    }

    /** Application-consistent with these options (null: the default); each problem named. */
    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public static AppConsistency of(@JsonProperty("freezeFileSystems") Boolean freezeFileSystems,
                                    @JsonProperty("includeWriters") Boolean includeWriters,
                                    @JsonProperty("scriptTimeoutSeconds") Integer scriptTimeoutSeconds) {
        int seconds = scriptTimeoutSeconds == null ? (int) DEFAULT_SCRIPT_TIMEOUT.toSeconds() : scriptTimeoutSeconds;
        if (seconds < 1 || seconds > MAX_SCRIPT_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("scriptTimeoutSeconds: expected a whole number of seconds from 1 to "
                    + MAX_SCRIPT_TIMEOUT_SECONDS + ", got " + scriptTimeoutSeconds);
        }
        return on().withFreezeFileSystems(freezeFileSystems == null || freezeFileSystems)
                .withIncludeWriters(includeWriters == null || includeWriters)
                .withTimeouts(Duration.ofSeconds(seconds), DEFAULT_FREEZE_TIMEOUT, DEFAULT_MAX_FROZEN);
    }

    /** {@code false}, or the object naming every option. */
    @JsonValue
    public Object json() {
        if (!enabled) {
            return Boolean.FALSE;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("freezeFileSystems", freezeFileSystems);
        json.put("includeWriters", includeWriters);
        json.put("scriptTimeoutSeconds", scriptTimeout.toSeconds());
        return json;
    }
}
