package coffer.cli;

import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.operation.ExportList;
import coffer.engine.operation.ExportView;
import coffer.engine.operation.JobList;
import coffer.engine.operation.JobView;
import coffer.engine.operation.PointList;
import coffer.engine.operation.PointView;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tables and times of the command line, as session 19's walk through the README found them (docs/reliability.md,
 * session 20): a value longer than its column shifted the columns after it; an export's expiry was printed without a
 * time zone; a backup job's row named its instance by UUID only. Every table now goes through {@link Table}, every
 * time through {@link Output#time} (ISO-8601 in UTC with {@code Z}).
 */
class TablesTest {
    private static final Instant AT = Instant.parse("2026-12-07T04:05:06.789Z");
    private static final String LONG_NAME = "web-frontend-of-the-cli20-walk-with-a-long-name";

    @Test
    void aTableSizesEachColumnToItsWidestValueAlignsNumbersRightAndDoesNotPadTheLastColumn() {
        List<String> lines = Table.of("NAME", "SIZE", "NOTE").right(1)
                .row("a", 5, "first")
                .row("a-much-longer-name", 12345, null)
                .lines();
        assertEquals(List.of(
                "NAME                 SIZE  NOTE",
                "a                       5  first",
                "a-much-longer-name  12345  -"), lines);
        assertEquals(List.of("  x   1", "  yy  2"), Table.rows("  ", 2).row("x", 1).row("yy", 2).lines(), "no header, indented");
    }

    @Test
    void aLongInstanceNameWidensItsColumnInsteadOfShiftingTheOthers() {
        PointView shortName = point("20261207-040506-aaaaaaaa", "web");
        PointView longName = point("20261207-040507-bbbbbbbb", LONG_NAME);
        List<String> lines = Render.lines(new PointList(List.of(shortName, longName), 2, null, null, null));
        assertEquals(3, lines.size(), String.join("\n", lines));
        int created = lines.getFirst().indexOf("CREATED");
        int region = lines.getFirst().indexOf("REGION");
        for (String line : lines.subList(1, 3)) {
            assertEquals(created, line.indexOf("2026-12-07T04:05:06Z"), "CREATED's column in\n" + String.join("\n", lines));
            assertEquals(region, line.indexOf("default"), "REGION's column in\n" + String.join("\n", lines));
        }
        assertTrue(lines.get(2).contains(LONG_NAME + "  default"), lines.get(2));
    }

    @Test
    void anExportsExpiryIsPrintedInUtcWithItsZone() {
        ExportView export = new ExportView("01a24e01-87b0-7000-92b4-db6b1c564ed7", "20261207-040506-aaaaaaaa", "vda",
                List.of("/etc/hostname"), "ready", AT, AT.plusSeconds(86_400), 1024L, "ab", null, null);
        List<String> lines = Render.lines(new ExportList(List.of(export), 1));
        assertTrue(lines.get(1).contains("2026-12-08T04:05:06Z"), lines.get(1));
        assertEquals(lines.getFirst().indexOf("EXPIRES"), lines.get(1).indexOf("2026-12-08T04:05:06Z"), String.join("\n", lines));
        assertEquals("2026-12-07T04:05:06Z", Output.time(AT));
        assertEquals("-", Output.time(null));
    }

    @Test
    void theJobListNamesTheInstanceOfEachJob() {
        JobView backup = job("01a24dfe-f209-7000-a204-0a39c37806e3", JobType.backup, "d61ef918-622a-4a38-ad63-4b968fa05876",
                LONG_NAME);
        JobView restore = job("01a24dfe-f209-7000-a204-0a39c37806e4", JobType.restore_disk, "20261207-040506-aaaaaaaa", null);
        List<String> lines = Render.lines(JobList.of(List.of(backup, restore), null));
        String header = lines.getFirst();
        assertTrue(header.matches("JOB +TYPE +INSTANCE +STATE +CREATED +PROGRESS"), header);
        assertEquals(header.indexOf("INSTANCE"), lines.get(1).indexOf(LONG_NAME), String.join("\n", lines));
        assertEquals(header.indexOf("STATE"), lines.get(1).indexOf("succeeded"), String.join("\n", lines));
        assertEquals(header.indexOf("STATE"), lines.get(2).indexOf("succeeded"), String.join("\n", lines));
        assertEquals(header.indexOf("INSTANCE"), lines.get(2).indexOf("- "), "no instance: " + lines.get(2));
        assertTrue(lines.get(1).contains("2026-12-07T04:05:06Z"), lines.get(1));
        assertTrue(Render.lines(backup).getFirst().contains("backup of " + LONG_NAME + " (d61ef918-"),
                Render.lines(backup).getFirst());
    }

    private static PointView point(String id, String name) {
        return new PointView(id, "default", "default", "d61ef918-622a-4a38-ad63-4b968fa05876", name, AT, "available", "CRASH",
                null, 1L << 30, 1L << 20, null, null, List.of(), List.of());
    }

    private static JobView job(String id, JobType type, String target, String instanceName) {
        return new JobView(id, type, target, instanceName, "local", JobState.succeeded, null, AT, AT, AT,
                new JobView.Progress(0, 0, 0, 0), false, null, null);
    }
}
