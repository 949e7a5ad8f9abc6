package coffer.server.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/api.md documents every route of the endpoint table ({@link Endpoints}) in a table row {@code | METHOD[, METHOD]
 * | path[, path] | role[, role] | what |} with the role the table gives it (roles in the order of the methods; fewer
 * roles than methods: the last one for the rest). A path {@code `/suspend`} after {@code `/api/v1/plans/{plan}/run`}
 * replaces its last segment; a query ({@code ?region=R}) is left out.
 */
class ApiDocTest {
    private static final Pattern ROW = Pattern.compile("^\\| ((?:GET|POST|PUT|DELETE)(?:, (?:GET|POST|PUT|DELETE))*) \\| ([^|]+) \\| ([a-z, ]+) \\|",
            Pattern.MULTILINE);
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9/{}_-]*");

    @Test
    void everyRouteIsDocumentedWithItsRole() throws IOException {
        Set<String> documented = new HashSet<>();
        Matcher row = ROW.matcher(Files.readString(page()));
        while (row.find()) {
            String[] methods = row.group(1).split(", ");
            String[] roles = row.group(3).strip().split(", ");
            String base = null;
            Matcher path = PATH.matcher(row.group(2));
            while (path.find()) {
                String p = path.group();
                if (p.startsWith(Endpoints.PREFIX + "/")) {
                    base = p;
                } else if (base != null) {
                    p = base.substring(0, base.lastIndexOf('/')) + p;
                } else {
                    continue;
                }
                for (int i = 0; i < methods.length; i++) {
                    documented.add(methods[i] + " " + p + " " + roles[Math.min(i, roles.length - 1)]);
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (Endpoint e : Endpoints.ALL) {
            String route = e.method() + " " + e.path() + " " + e.role();
            if (!documented.contains(route)) {
                missing.add(route);
            }
        }
        assertTrue(missing.isEmpty(), "docs/api.md has no row for (method path role): " + missing);
    }

    private static Path page() {
        for (Path candidate : List.of(Path.of("docs/api.md"), Path.of("../docs/api.md"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("docs/api.md not found from " + Path.of("").toAbsolutePath());
    }
}
