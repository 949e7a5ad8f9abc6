package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;

/**
 * Follows a job of the server: without {@code --wait} prints the queued job and returns; with it, polls
 * the job, draws a progress bar until it ends, and turns a failed or cancelled job into its error (the
 * stable code, the message and the exit status of that code).
 */
final class JobWait {
    private static final Duration POLL = Duration.ofMillis(500);

    private JobWait() {
    }

    static int follow(ApiClient client, JsonNode job, boolean wait, CommonOptions common, String label)
            throws InterruptedException {
        String id = job.path("id").asText();
        if (!wait) {
            if (common.json()) {
                Cli.out().json(job);
            } else {
                Cli.out().line("Job %s queued (%s %s). Follow it with 'coffer job show %s' or pass --wait.", id,
                        job.path("type").asText(), job.path("target").asText(), id);
            }
            return 0;
        }
        JsonNode now = job;
        try (ProgressBar bar = new ProgressBar(Cli.err(), !common.json(), label)) {
            long shown = 0;
            while (!isFinal(now.path("state").asText())) {
                Thread.sleep(POLL);
                now = client.get("/api/v1/jobs/" + ApiClient.segment(id));
                JsonNode progress = now.path("progress");
                long total = progress.path("bytesTotal").asLong();
                if (total > 0) {
                    bar.starting(total);
                }
                long done = progress.path("bytesDone").asLong();
                if (done > shown) {
                    bar.advance(done - shown);
                    shown = done;
                }
            }
        }
        String state = now.path("state").asText();
        if (!state.equals("succeeded")) {
            String code = now.path("error").path("code").asText(state.equals("cancelled") ? "Cancelled" : "Internal");
            ErrorCode errorCode;
            try {
                errorCode = ErrorCode.valueOf(code);
            } catch (IllegalArgumentException e) {
                errorCode = ErrorCode.Internal;
            }
            throw new CofferException(errorCode, "job " + id + " " + state + ": "
                    + now.path("error").path("message").asText(state));
        }
        if (common.json()) {
            Cli.out().json(now);
        } else {
            Cli.out().line("Job %s succeeded: %s", id, summary(now.path("result")));
        }
        return 0;
    }

    private static String summary(JsonNode result) {
        if (result.hasNonNull("groupPoint")) {
            StringBuilder text = new StringBuilder("group point " + result.get("groupPoint").asText());
            if (result.has("pauseMillis")) {
                text.append(", paused ").append(result.path("pauseMillis").asLong()).append(" ms");
            }
            if (result.hasNonNull("freezeMillis")) {
                text.append(", frozen ").append(result.path("freezeMillis").asLong()).append(" ms");
            }
            for (JsonNode m : result.path("members")) {
                text.append("; ").append(m.path("instance").asText()).append(' ').append(m.path("consistency").asText())
                        .append(m.hasNonNull("consistencyReason") ? " (" + m.path("consistencyReason").asText() + ")" : "");
            }
            return text.toString();
        }
        if (result.hasNonNull("point")) {
            return "point " + result.get("point").asText();
        }
        return result.isMissingNode() || result.isNull() ? "done" : result.toString();
    }

    static boolean isFinal(String state) {
        return state.equals("succeeded") || state.equals("failed") || state.equals("cancelled");
    }
}
