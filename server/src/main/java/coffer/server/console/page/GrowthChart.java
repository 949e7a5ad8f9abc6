package coffer.server.console.page;

import coffer.engine.operation.CapacityView.Day;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * The capacity page's chart, drawn here as SVG (no script, no charting library): the running totals of logical and
 * stored bytes by day that {@code ShowCapacity} answers ({@code growth}), as two step lines. Its text is made of numbers, dates
 * and fixed words only, so it is safe to write into the page as it is. Stateless.
 */
public final class GrowthChart {
    static final int WIDTH = 720;
    static final int HEIGHT = 260;
    private static final int LEFT = 80;
    private static final int BOTTOM = 30;
    private static final int TOP = 16;

    private GrowthChart() {
    }

    /** The chart's SVG element; a short sentence instead when there is nothing to draw. */
    public static String svg(List<Day> days) {
        if (days.isEmpty()) {
            return "<p>No points yet: nothing to draw.</p>";
        }
        long max = Math.max(1, days.stream().mapToLong(d -> Math.max(d.logicalBytes(), d.storedBytes())).max().orElse(1));
        LocalDate first = days.getFirst().day();
        LocalDate last = days.getLast().day();
        long span = Math.max(1, last.toEpochDay() - first.toEpochDay());
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
                + " aria-labelledby=\"chart-title\"><title id=\"chart-title\">Logical and stored bytes over time, %s to %s:"
                + " %s logical, %s stored</title>", WIDTH, HEIGHT, WIDTH, HEIGHT, first, last,
                Show.bytes(days.getLast().logicalBytes()), Show.bytes(days.getLast().storedBytes())));
        int plotWidth = WIDTH - LEFT - 10;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        for (int i = 0; i <= 4; i++) {
            double y = TOP + plotHeight - plotHeight * i / 4.0;
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                    + "<text class=\"axis\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT, y, WIDTH - 10, y,
                    LEFT - 6, y + 4, Show.bytes(max * i / 4)));
        }
        svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\">%s</text>"
                + "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", LEFT, HEIGHT - 8, first, WIDTH - 10,
                HEIGHT - 8, last));
        svg.append(line(days, "logical", first, span, max, plotWidth, plotHeight, true));
        svg.append(line(days, "stored", first, span, max, plotWidth, plotHeight, false));
        svg.append("</svg>");
        return svg.toString();
    }

    private static String line(List<Day> days, String kind, LocalDate first, long span, long max, int plotWidth,
                               int plotHeight, boolean logical) {
        StringBuilder points = new StringBuilder();
        double previousY = -1;
        for (Day d : days) {
            double x = LEFT + plotWidth * (double) (d.day().toEpochDay() - first.toEpochDay()) / span;
            double y = TOP + plotHeight - plotHeight * (double) (logical ? d.logicalBytes() : d.storedBytes()) / max;
            if (previousY >= 0) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, previousY)); // a step: flat until the next day
            }
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            previousY = y;
        }
        if (days.size() == 1) {
            points.append(String.format(Locale.ROOT, "%d,%.1f", LEFT + plotWidth, previousY));
        }
        return "<polyline class=\"" + kind + "\" fill=\"none\" points=\"" + points.toString().strip() + "\"/>";
    }

}
