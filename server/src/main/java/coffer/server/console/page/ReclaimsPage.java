package coffer.server.console.page;

import coffer.engine.operation.ListReclaims;
import coffer.engine.reclaim.ReclaimHistory;
import coffer.server.console.Console;
import coffer.server.console.ConsoleRoutes;
import coffer.server.console.Frame;
import coffer.server.http.Routes;

import java.util.List;

/**
 * Space reclaimed (docs/design/assurance.md, "Space reclaimed on time"): per vault the bytes and chunks the server's
 * reclaim loop freed since it started, the oldest deletion still waiting, and its recent steps. Read only. Stateless.
 */
public final class ReclaimsPage implements ConsoleRoutes {
    public record Model(Frame frame, List<ReclaimHistory.VaultReclaim> vaults) {
    }

    @Override
    public void register(Routes routes, Console console) {
        console.page(routes, "/reclaims", ListReclaims.class, (ctx, session) -> console.render(ctx, "reclaims.jte",
                new Model(console.frame(session, "Space reclaimed", "reclaims"),
                        console.operations().call(new ListReclaims()).vaults())));
    }
}
