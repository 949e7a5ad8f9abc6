package coffer.server.console.page;

import coffer.engine.operation.CapacityView;
import coffer.engine.operation.ShowCapacity;
import coffer.server.console.Console;
import coffer.server.console.ConsoleRoutes;
import coffer.server.console.Frame;
import coffer.server.http.Routes;

/** Capacity: logical against stored bytes per vault, instance and disk, and the growth chart (server-drawn SVG). Stateless. */
public final class CapacityPage implements ConsoleRoutes {
    /** {@code chart}: the SVG GrowthChart drew (numbers, dates and fixed words only). */
    public record Model(Frame frame, CapacityView capacity, String chart) {
    }

    @Override
    public void register(Routes routes, Console console) {
        console.page(routes, "/capacity", ShowCapacity.class, (ctx, session) -> {
            CapacityView capacity = console.operations().call(new ShowCapacity());
            String chart = GrowthChart.svg(capacity.growth());
            console.render(ctx, "capacity.jte", new Model(console.frame(session, "Capacity", "capacity"), capacity, chart));
        });
    }
}
