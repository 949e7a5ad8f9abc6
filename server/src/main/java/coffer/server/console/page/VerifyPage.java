package coffer.server.console.page;

import coffer.engine.catalog.VerifyRun;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.operation.JobView;
import coffer.engine.operation.ListJobs;
import coffer.engine.operation.ListVaults;
import coffer.engine.operation.ListVerifyRuns;
import coffer.engine.operation.VaultView;
import coffer.engine.operation.VerifyRunList;
import coffer.engine.operation.VerifyRunView;
import coffer.engine.operation.VerifyVault;
import coffer.server.console.Console;
import coffer.server.console.ConsoleRoutes;
import coffer.server.console.Frame;
import coffer.server.http.Routes;

import java.util.ArrayList;
import java.util.List;

/**
 * Verification (docs/design/assurance.md): the finished verify runs of every vault or one (chunks checked, damaged
 * ranges, points affected, quarantined; newest first, 100 a page), the verify jobs not ended (cancel: the jobs page's change), and start a full
 * or sampled verify of a vault (admin: the API's role for {@link VerifyVault}), which opens its job's page. Stateless.
 */
public final class VerifyPage implements ConsoleRoutes {
    /** Verify runs shown a page. */
    static final int PAGE = 100;

    /**
     * {@code vault}: the filter (null: every vault); {@code cursor}: this page's (null: the first, newest),
     * {@code nextCursor}: the next (older) page's (null: the last).
     */
    public record Model(Frame frame, String vault, List<VaultView> vaults, List<VerifyRunView> runs, List<JobView> running,
                        String cursor, String nextCursor) {
        public List<VerifyRun.Kind> kinds() {
            return List.of(VerifyRun.Kind.values());
        }

        /** The first (newest) page with the same filter. */
        public String first() {
            return "/verify?vault=" + Show.query(vault);
        }

        /** The next (older) page's link, null on the last page. */
        public String next() {
            return nextCursor == null ? null : first() + "&cursor=" + Show.query(nextCursor);
        }
    }

    @Override
    public void register(Routes routes, Console console) {
        console.page(routes, "/verify", ListVerifyRuns.class, (ctx, session) -> {
            String vault = AlertsPage.blank(ctx.queryParam("vault"));
            String cursor = Show.blank(ctx.queryParam("cursor"));
            VerifyRunList page = console.operations().call(new ListVerifyRuns(vault, cursor, PAGE));
            List<JobView> running = new ArrayList<>();
            for (JobState state : List.of(JobState.queued, JobState.running)) {
                running.addAll(console.operations().call(new ListJobs(state, JobType.verify, null, 50)).jobs());
            }
            console.render(ctx, "verify.jte", new Model(console.frame(session, "Verification", "verify"), vault,
                    console.operations().call(new ListVaults()).vaults(), page.runs(), running, cursor, page.nextCursor()));
        });
        console.change(routes, "/verify", VerifyVault.class, (ctx, session) -> {
            Form form = new Form(ctx);
            String kind = form.text("kind");
            VerifyRun.Kind chosen;
            try {
                chosen = kind == null ? null : VerifyRun.Kind.valueOf(kind);
            } catch (IllegalArgumentException e) {
                throw coffer.engine.error.Problems.invalid("kind", "one of " + List.of(VerifyRun.Kind.values()) + ", got '"
                        + kind + "'");
            }
            var run = console.operations().start(new VerifyVault(form.text("vault"), chosen, form.checked("quarantine")));
            return "/jobs/" + run.job().orElseThrow().id();
        });
    }
}
