package coffer.engine.operation;

import java.util.List;

/** Change alerts. {@code count} is the list's length. */
public record AlertList(List<AlertView> alerts, int count) {
    public AlertList {
        alerts = List.copyOf(alerts);
    }

    public static AlertList of(List<AlertView> alerts) {
        return new AlertList(alerts, alerts.size());
    }
}
