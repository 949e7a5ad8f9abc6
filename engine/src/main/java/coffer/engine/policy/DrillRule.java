package coffer.engine.policy;

import coffer.engine.error.Problems;

import java.time.Duration;
import java.util.List;

/**
 * A policy's restore drills (docs/design/assurance.md): each instance of its plans is drilled every {@code every}
 * days (its newest point restored as an isolated copy, booted, checked by {@code check} when given, and removed).
 * {@link #OFF}: the policy asks for none (the server's own drill schedule may still drill the instance). Immutable.
 *
 * @param everyDays days between two drills of an instance, 1 to 365 (0: off)
 * @param check     the check command run in the copy: absolute path, then arguments (empty: none)
 */
public record DrillRule(int everyDays, List<String> check) {
    public static final DrillRule OFF = new DrillRule(0, List.of());

    public DrillRule {
        check = check == null ? List.of() : List.copyOf(check);
    }

    public boolean enabled() {
        return everyDays > 0;
    }

    public Duration every() {
        return Duration.ofDays(everyDays);
    }

    void check(String field, Problems problems) {
        if (everyDays < 0 || everyDays > 365) {
            problems.add(field + ".every", "1 to 365 days, got " + everyDays);
        }
        if (!check.isEmpty() && !check.getFirst().startsWith("/")) {
            problems.add(field + ".check", "the command's path must be absolute (it runs in the guest), got '"
                    + check.getFirst() + "'");
        }
        if (everyDays == 0 && !check.isEmpty()) {
            problems.add(field + ".check", "a check command needs drills: give 'every'");
        }
    }
}
