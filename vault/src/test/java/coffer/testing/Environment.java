package coffer.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What an integration test needs from the machine. On a laptop a missing tool skips the test; in CI
 * ({@code -Dcoffer.it.required=true}, set by {@code .ci/run}) a missing tool fails it, so a skip never
 * passes for a proof.
 *
 * <p>Stateless; thread-safe.
 */
public final class Environment {
    private Environment() {
    }

    public static boolean required() {
        return Boolean.getBoolean("coffer.it.required");
    }

    /** Skips (or in CI fails) unless {@code command} is on the PATH. Returns its absolute path. */
    public static Path requireCommand(String command) {
        Path found = which(command);
        need(found != null, command + " is not on the PATH");
        return found;
    }

    /** Skips (or in CI fails) unless {@code condition}. */
    public static void need(boolean condition, String whatIsMissing) {
        if (condition) {
            return;
        }
        if (required()) {
            throw new AssertionError("integration test requirement missing in CI: " + whatIsMissing);
        }
        Assumptions.abort(whatIsMissing);
    }

    public static Path which(String command) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
