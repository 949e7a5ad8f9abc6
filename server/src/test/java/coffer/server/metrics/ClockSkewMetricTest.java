package coffer.server.metrics;

import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code coffer_clock_skew_seconds} on {@code /metrics}: how far the server's host clock is from the catalog
 * database's, as the server measured it (docs/design/jobs.md, "Whose clock"). This machine runs the server and the
 * test PostgreSQL on one clock; on SQLite the database's clock is the host's by definition (exactly 0).
 */
class ClockSkewMetricTest {
    private static final Pattern SKEW = Pattern.compile("(?m)^coffer_clock_skew_seconds (\\S+)$");

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theSkewOfTheServersClockIsAMetric(String kind) throws Exception {
        try (TestDatabase database = TestServer.database(kind, dir);
             TestServer server = TestServer.start(TestServer.config(dir.resolve("data"), database.config()))) {
            TestServer.Answer answer = server.admin("GET", "/metrics", null);
            assertEquals(200, answer.status());
            Matcher skew = SKEW.matcher(answer.text());
            assertTrue(skew.find(), "coffer_clock_skew_seconds in " + answer.text());
            double seconds = Double.parseDouble(skew.group(1));
            if (kind.equals("sqlite")) {
                assertEquals(0.0, seconds);
            } else {
                // one host: the measured skew is the measurement's error, far below the warning's 5 s
                assertTrue(Math.abs(seconds) < 5, "skew " + seconds + " s");
            }
        }
    }
}
