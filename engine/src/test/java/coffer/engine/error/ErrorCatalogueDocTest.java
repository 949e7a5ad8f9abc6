package coffer.engine.error;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/design/errors.md lists every {@link ErrorCode} with the HTTP and exit status the enum gives it. */
class ErrorCatalogueDocTest {
    private static final Pattern ROW = Pattern.compile("^\\| (\\w+) \\| (\\d+) \\| (\\d+) \\|", Pattern.MULTILINE);

    @Test
    void theErrorsPageListsEveryCodeWithItsStatuses() throws IOException {
        Map<String, String> documented = new LinkedHashMap<>();
        Matcher row = ROW.matcher(Files.readString(page()));
        while (row.find()) {
            documented.put(row.group(1), row.group(2) + "/" + row.group(3));
        }
        List<String> problems = new ArrayList<>();
        for (ErrorCode code : ErrorCode.values()) {
            String expected = code.httpStatus() + "/" + code.exitCode();
            String found = documented.remove(code.name());
            if (found == null) {
                problems.add(code + ": no row (HTTP/exit " + expected + ")");
            } else if (!found.equals(expected)) {
                problems.add(code + ": the page says HTTP/exit " + found + ", the enum " + expected);
            }
        }
        documented.keySet().forEach(name -> problems.add(name + ": documented but not in ErrorCode"));
        assertTrue(problems.isEmpty(), "docs/design/errors.md:\n" + String.join("\n", problems));
    }

    private static Path page() {
        for (Path candidate : List.of(Path.of("docs/design/errors.md"), Path.of("../docs/design/errors.md"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("docs/design/errors.md not found from " + Path.of("").toAbsolutePath());
    }
}
