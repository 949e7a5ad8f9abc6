package coffer.server.console.page;

import coffer.engine.operation.CapacityView.Day;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The growth chart: two step lines scaled to the largest total, labelled with the first and last day; nothing to draw said so. */
class GrowthChartTest {
    @Test
    void twoStepLinesScaledToTheLargestTotal() {
        String svg = GrowthChart.svg(List.of(new Day(LocalDate.parse("2026-03-01"), 1024, 512),
                new Day(LocalDate.parse("2026-03-03"), 4096, 1024)));
        assertTrue(svg.startsWith("<svg class=\"chart\" role=\"img\""), svg);
        assertTrue(svg.contains("2026-03-01 to 2026-03-03: 4.0 KiB logical, 1.0 KiB stored</title>"), svg);
        // logical: 1 KiB on day 0 (y = 16 + 214 - 214/4), flat until day 2, then 4 KiB at the top (y = 16)
        assertTrue(svg.contains("<polyline class=\"logical\" fill=\"none\" points=\"80.0,176.5 710.0,176.5 710.0,16.0\"/>"), svg);
        assertTrue(svg.contains("<polyline class=\"stored\""), svg);
        assertEquals(2, svg.split("<polyline").length - 1);
    }

    @Test
    void oneDayIsAFlatLineAndNoDayIsASentence() {
        String one = GrowthChart.svg(List.of(new Day(LocalDate.parse("2026-03-01"), 10, 5)));
        assertTrue(one.contains("points=\"80.0,16.0 710,16.0\""), one);
        assertEquals("<p>No points yet: nothing to draw.</p>", GrowthChart.svg(List.of()));
    }
}
