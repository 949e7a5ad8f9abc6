package coffer.engine.instance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The JSON form of {@link AppConsistency}, one form for a policy, a manual backup request and a backup
 * job's parameters (field {@code appConsistent}):
 * <pre>{@code
 * false | null | absent                      crash-consistent (AppConsistency.off())
 * true                                       application-consistent with the defaults (AppConsistency.on())
 * {"freezeFileSystems": true,                application-consistent with these options; each optional,
 *  "includeWriters": true,                   defaults as in AppConsistency.on()
 *  "scriptTimeoutSeconds": 60}
 * }</pre>
 * {@code scriptTimeoutSeconds} is 1 to {@value #MAX_SCRIPT_TIMEOUT_SECONDS}. The freeze timeout and the
 * watchdog bound are not settable here: they are safety bounds, not preferences. {@link #write} gives
 * {@code false} or the full object, so what is stored reads back exactly. Stateless.
 */
public final class AppConsistencyJson {
    public static final int MAX_SCRIPT_TIMEOUT_SECONDS = 3_600;
    static final Set<String> FIELDS = Set.of("freezeFileSystems", "includeWriters", "scriptTimeoutSeconds");

    private AppConsistencyJson() {
    }

    /** {@code false}, or the object naming every option. */
    public static JsonNode write(AppConsistency consistency) {
        if (!consistency.enabled()) {
            return BooleanNode.FALSE;
        }
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("freezeFileSystems", consistency.freezeFileSystems());
        json.put("includeWriters", consistency.includeWriters());
        json.put("scriptTimeoutSeconds", consistency.scriptTimeout().toSeconds());
        return json;
    }

    /**
     * Reads the settings, reporting each problem to {@code problem} as (field path, message); with any
     * problem the result is {@link AppConsistency#off()} and must not be used.
     *
     * @param field the field's path in the enclosing document, for the messages ({@code appConsistent})
     */
    public static AppConsistency read(JsonNode node, String field, BiConsumer<String, String> problem) {
        if (node == null || node.isNull() || node.isBoolean()) {
            return node != null && node.asBoolean() ? AppConsistency.on() : AppConsistency.off();
        }
        if (!node.isObject()) {
            problem.accept(field, "expected true, false or {\"freezeFileSystems\": bool, \"includeWriters\": bool, "
                    + "\"scriptTimeoutSeconds\": n}, got " + node);
            return AppConsistency.off();
        }
        int[] problems = {0};
        BiConsumer<String, String> counting = (f, m) -> {
            problems[0]++;
            problem.accept(f, m);
        };
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                counting.accept(field + "." + name, "unknown field (known: " + String.join(", ", new TreeSet<>(FIELDS)) + ")");
            }
        }
        boolean freeze = flag(node, "freezeFileSystems", field, counting);
        boolean writers = flag(node, "includeWriters", field, counting);
        Duration scriptTimeout = AppConsistency.DEFAULT_SCRIPT_TIMEOUT;
        JsonNode seconds = node.get("scriptTimeoutSeconds");
        if (seconds != null && !seconds.isNull()) {
            if (!seconds.isIntegralNumber() || !seconds.canConvertToInt() || seconds.asInt() < 1
                    || seconds.asInt() > MAX_SCRIPT_TIMEOUT_SECONDS) {
                counting.accept(field + ".scriptTimeoutSeconds", "expected a whole number of seconds from 1 to "
                        + MAX_SCRIPT_TIMEOUT_SECONDS + ", got " + seconds);
            } else {
                scriptTimeout = Duration.ofSeconds(seconds.asInt());
            }
        }
        if (problems[0] > 0) {
            return AppConsistency.off();
        }
        return AppConsistency.on().withFreezeFileSystems(freeze).withIncludeWriters(writers)
                .withTimeouts(scriptTimeout, AppConsistency.DEFAULT_FREEZE_TIMEOUT, AppConsistency.DEFAULT_MAX_FROZEN);
    }

    private static boolean flag(JsonNode node, String name, String field, BiConsumer<String, String> problem) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return true;
        }
        if (!value.isBoolean()) {
            problem.accept(field + "." + name, "expected true or false, got " + value);
            return true;
        }
        return value.asBoolean();
    }
}
