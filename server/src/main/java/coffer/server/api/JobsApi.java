package coffer.server.api;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.job.Jobs;
import coffer.server.auth.Role;
import coffer.server.http.Json;
import coffer.server.http.Routes;
import io.javalin.http.Context;

import java.util.Arrays;

/** Jobs: list with filters, show, log, cancel. */
public final class JobsApi {
    private final ApiContext api;

    public JobsApi(ApiContext api) {
        this.api = api;
    }

    public void register(Routes routes) {
        routes.get(Routes.PREFIX + "/jobs", Role.viewer, this::list)
                .get(Routes.PREFIX + "/jobs/{job}", Role.viewer, this::show)
                .get(Routes.PREFIX + "/jobs/{job}/log", Role.viewer, this::log)
                .post(Routes.PREFIX + "/jobs/{job}/cancel", Role.operator, this::cancel);
    }

    private void list(Context ctx) {
        JobState state = parse(JobState.class, "state", ctx.queryParam("state"));
        JobType type = parse(JobType.class, "type", ctx.queryParam("type"));
        String limitText = ctx.queryParam("limit");
        Integer limit = null;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 1000) {
                throw Requests.invalid("limit: a whole number from 1 to 1000, got '" + limitText + "'");
            }
        }
        var jobs = api.catalog().jobs().list(new Jobs.Filter(state, type, ctx.queryParam("target"), limit));
        Json.write(ctx, 200, Views.list("jobs", jobs.stream().map(Views::job).toList()));
    }

    private void show(Context ctx) {
        Json.write(ctx, 200, Views.job(api.job(ctx.pathParam("job"))));
    }

    private void log(Context ctx) {
        api.job(ctx.pathParam("job"));
        Json.write(ctx, 200, Views.list("entries", api.catalog().jobs().log(ctx.pathParam("job"))));
    }

    private void cancel(Context ctx) {
        Job job = api.job(ctx.pathParam("job"));
        if (job.state().isFinal()) {
            throw new CofferException(ErrorCode.JobFinished, "job " + job.id() + " has already ended (" + job.state() + ")");
        }
        Job now = api.catalog().jobs().cancel(job.id()).orElseThrow();
        Json.write(ctx, 202, Views.job(now));
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw Requests.invalid(name + ": one of " + Arrays.toString(type.getEnumConstants()) + ", got '" + value + "'");
        }
    }
}
