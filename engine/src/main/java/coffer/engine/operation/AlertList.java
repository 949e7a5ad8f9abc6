package coffer.engine.operation;

import java.util.List;

/** Change alerts, one page. {@code count} is the page's length; {@code nextCursor} asks for the next page (null: the last). */
public record AlertList(List<AlertView> alerts, int count, String nextCursor) {
    public AlertList {
        alerts = List.copyOf(alerts);
    }

    public static AlertList of(List<AlertView> alerts) {
        return new AlertList(alerts, alerts.size(), null);
    }

    public static AlertList of(List<AlertView> alerts, String nextCursor) {
        return new AlertList(alerts, alerts.size(), nextCursor);
    }
}
