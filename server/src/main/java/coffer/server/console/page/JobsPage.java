package coffer.server.console.page;

import coffer.engine.job.JobState;
import coffer.engine.operation.*;
import coffer.server.console.Console;
import coffer.server.console.ConsoleRoutes;
import coffer.server.console.Frame;
import coffer.server.http.Routes;

import java.util.List;

/**
 * Jobs: {@link #PAGE} a page, newest first, optionally of one state or region, with a link to the next (older) page,
 * refreshed in place every two seconds (htmx polls the table's fragment, the same page); one job's page with its
 * progress and log, refreshed until it ends, and cancel. Stateless.
 */
public final class JobsPage implements ConsoleRoutes {
    static final int PAGE = 100;

    /**
     * {@code region}: the region filter as given (null: every job); {@code regions}: the server's; {@code cursor}: this
     * page's (null: the first); {@code nextCursor}: the next page's (null: the last).
     */
    public record ListModel(Frame frame, String state, List<JobView> jobs, String region, List<String> regions, String cursor,
                            String nextCursor) {
        public List<JobState> states() {
            return List.of(JobState.values());
        }

        /** The table's refresh URL: the same filters and page. */
        public String refresh() {
            return "/jobs/table?" + filters() + (cursor == null ? "" : "&cursor=" + Show.query(cursor));
        }

        /** The next (older) page's link, null on the last page. */
        public String next() {
            return nextCursor == null ? null : "/jobs?" + filters() + "&cursor=" + Show.query(nextCursor);
        }

        /** The first page's link with the same filters. */
        public String first() {
            return "/jobs?" + filters();
        }

        private String filters() {
            return "state=" + Show.query(state) + "&region=" + Show.query(region);
        }
    }

    /**
     * One job with a page of its log ({@code logCursor}: the page's cursor, null for the first); {@code frame} carries
     * the CSRF token for cancel.
     */
    public record JobModel(Frame frame, JobView job, JobLog log, String logCursor) {
        /** The live refresh's URL: the same page of the log. */
        public String live() {
            return "/jobs/" + job.id() + "/live" + (logCursor == null ? "" : "?log=" + Show.query(logCursor));
        }

        /** A finished in-place restore's writes, disk by disk; empty for any other job. */
        public List<RestoreWrites.DiskWrite> writes() {
            return RestoreWrites.of(job.result());
        }

        /**
         * A finished file search's matches, each with its path and a link's target in the escaped form a directory's
         * page shows them in ({@code FileSearchResult.Found#shownLinkTarget}); empty for any other job.
         */
        public List<FileSearchResult.Found> found() {
            if (job.type() != coffer.engine.job.JobType.file_search || job.result() == null || !job.result().isObject()) {
                return List.of();
            }
            try {
                return coffer.engine.json.CofferJson.read(job.result(), FileSearchResult.class).matches();
            } catch (coffer.engine.error.CofferException unreadable) { // a result of another version: its JSON is still shown
                return List.of();
            }
        }

        /** What to do about the job's error, in the console's words (ConsoleRemedies); null without one or for a code unknown here. */
        public String remedy() {
            if (job.error() == null) {
                return null;
            }
            try {
                return coffer.server.console.ConsoleRemedies.of(coffer.engine.error.ErrorCode.valueOf(job.error().code()));
            } catch (IllegalArgumentException unknown) {
                return null;
            }
        }

        /** The next page of the log, null on the last. */
        public String laterLines() {
            return log.nextCursor() == null ? null : "/jobs/" + job.id() + "?log=" + Show.query(log.nextCursor());
        }
    }

    @Override
    public void register(Routes routes, Console console) {
        console.page(routes, "/jobs", ListJobs.class, (ctx, session) -> {
            String state = ctx.queryParam("state");
            String region = region(ctx.queryParam("region"));
            String cursor = Show.blank(ctx.queryParam("cursor"));
            JobList page = list(console, state, region, cursor);
            console.render(ctx, "jobs.jte", new ListModel(console.frame(session, "Jobs", "jobs"), state,
                    page.jobs(), region, RegionsPage.names(console), cursor, page.nextCursor()));
        });
        console.page(routes, "/jobs/table", ListJobs.class, (ctx, session) -> {
            String state = ctx.queryParam("state");
            String region = region(ctx.queryParam("region"));
            String cursor = Show.blank(ctx.queryParam("cursor"));
            JobList page = list(console, state, region, cursor);
            console.render(ctx, "jobs-table.jte", new ListModel(new Frame("Jobs", "jobs", session, null), state,
                    page.jobs(), region, List.of(), cursor, page.nextCursor()));
        });
        // the log a page at a time (docs/api.md, "Lists"): ?log=<cursor> shows the lines after it
        console.page(routes, "/jobs/{job}", ShowJob.class, (ctx, session) -> {
            JobView job = console.operations().call(new ShowJob(ctx.pathParam("job")));
            String cursor = logCursor(ctx.queryParam("log"));
            console.render(ctx, "job.jte", new JobModel(console.frame(session, "Job " + job.id(), "jobs"), job,
                    console.operations().call(new ShowJobLog(job.id(), cursor, null)), cursor));
        });
        console.page(routes, "/jobs/{job}/live", ShowJob.class, (ctx, session) -> {
            JobView job = console.operations().call(new ShowJob(ctx.pathParam("job")));
            String cursor = logCursor(ctx.queryParam("log"));
            console.render(ctx, "job-live.jte", new JobModel(new Frame("Job", "jobs", session, null), job,
                    console.operations().call(new ShowJobLog(job.id(), cursor, null)), cursor));
        });
        console.change(routes, "/jobs/{job}/cancel", CancelJob.class, (ctx, session) -> {
            console.operations().call(new CancelJob(ctx.pathParam("job")));
            console.notify(session, "Cancel requested; the job stops and cleans up.");
            return "/jobs/" + Show.query(ctx.pathParam("job"));
        });
    }

    private static String logCursor(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static String region(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static JobList list(Console console, String state, String region, String cursor) {
        JobState wanted = null;
        if (state != null && !state.isBlank()) {
            try {
                wanted = JobState.valueOf(state);
            } catch (IllegalArgumentException e) {
                throw coffer.engine.error.Problems.invalid("state", "one of " + List.of(JobState.values()) + ", got '" + state + "'");
            }
        }
        return console.operations().call(new ListJobs(wanted, null, null, null, null, region, null, null, cursor, PAGE));
    }
}
