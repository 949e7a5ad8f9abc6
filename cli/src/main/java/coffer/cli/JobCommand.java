package coffer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code coffer job list|show|log|cancel|wait} (server only). */
@Command(name = "job", description = "Jobs of the server: list, show, log, cancel, wait.", mixinStandardHelpOptions = true,
        subcommands = {JobCommand.ListJobs.class, JobCommand.Show.class, JobCommand.Log.class, JobCommand.Cancel.class,
                JobCommand.Wait.class})
final class JobCommand {

    @Command(name = "list", description = "Jobs, newest first.", mixinStandardHelpOptions = true)
    static final class ListJobs implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Option(names = "--state", paramLabel = "STATE", description = "queued, running, succeeded, failed or cancelled.") String state;
        @Option(names = "--type", paramLabel = "TYPE", description = "backup, restore_disk, restore_instance or clone.") String type;
        @Option(names = "--target", paramLabel = "ID", description = "Instance or point id.") String target;
        @Option(names = "--limit", paramLabel = "N", description = "At most N jobs (default 50).", defaultValue = "50") int limit;

        @Override
        public Integer call() {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("state", state);
            query.put("type", type);
            query.put("target", target);
            query.put("limit", Integer.toString(limit));
            JsonNode answer = server.require().get("/api/v1/jobs", query);
            if (common.json()) {
                Cli.out().json(answer);
                return 0;
            }
            Cli.out().line("%-36s %-16s %-10s %-20s %s", "JOB", "TYPE", "STATE", "CREATED", "PROGRESS");
            for (JsonNode j : answer.path("jobs")) {
                Cli.out().line("%-36s %-16s %-10s %-20s %s", j.path("id").asText(), j.path("type").asText(),
                        j.path("state").asText(), j.path("createdAt").asText().replace('T', ' ').replaceAll("\\..*|Z$", ""),
                        progress(j));
            }
            return 0;
        }
    }

    @Command(name = "show", description = "One job: progress, result or error.", mixinStandardHelpOptions = true)
    static final class Show implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "JOB") String job;

        @Override
        public Integer call() {
            JsonNode j = server.require().get("/api/v1/jobs/" + ApiClient.segment(job));
            if (common.json()) {
                Cli.out().json(j);
                return 0;
            }
            Cli.out().line("Job %s: %s of %s", j.path("id").asText(), j.path("type").asText(), j.path("target").asText());
            Cli.out().line("  state:    %s", j.path("state").asText());
            Cli.out().line("  progress: %s", progress(j));
            Cli.out().line("  created:  %s", j.path("createdAt").asText());
            if (j.hasNonNull("finishedAt")) {
                Cli.out().line("  finished: %s", j.path("finishedAt").asText());
            }
            if (j.hasNonNull("result")) {
                Cli.out().line("  result:   %s", j.path("result"));
            }
            if (j.has("error")) {
                Cli.out().line("  error:    [%s] %s", j.path("error").path("code").asText(), j.path("error").path("message").asText());
            }
            return 0;
        }
    }

    @Command(name = "log", description = "A job's log.", mixinStandardHelpOptions = true)
    static final class Log implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "JOB") String job;

        @Override
        public Integer call() {
            JsonNode answer = server.require().get("/api/v1/jobs/" + ApiClient.segment(job) + "/log");
            if (common.json()) {
                Cli.out().json(answer);
                return 0;
            }
            for (JsonNode e : answer.path("entries")) {
                Cli.out().line("%s %-7s %s", e.path("at").asText(), e.path("level").asText(), e.path("message").asText());
            }
            return 0;
        }
    }

    @Command(name = "cancel", description = "Cancel a queued or running job; it cleans up what it started.",
            mixinStandardHelpOptions = true)
    static final class Cancel implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "JOB") String job;
        @Option(names = "--wait", description = "Wait until the job has ended.") boolean wait;

        @Override
        public Integer call() throws InterruptedException {
            ApiClient client = server.require();
            JsonNode j = client.post("/api/v1/jobs/" + ApiClient.segment(job) + "/cancel", Map.of());
            while (wait && !JobWait.isFinal(j.path("state").asText())) {
                Thread.sleep(300);
                j = client.get("/api/v1/jobs/" + ApiClient.segment(job));
            }
            if (common.json()) {
                Cli.out().json(j);
            } else {
                Cli.out().line("Job %s: %s", j.path("id").asText(), JobWait.isFinal(j.path("state").asText())
                        ? j.path("state").asText() : "cancel requested");
            }
            return 0;
        }
    }

    @Command(name = "wait", description = "Wait for a job with a progress bar; fails as the job does.",
            mixinStandardHelpOptions = true)
    static final class Wait implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "JOB") String job;

        @Override
        public Integer call() throws InterruptedException {
            ApiClient client = server.require();
            return JobWait.follow(client, client.get("/api/v1/jobs/" + ApiClient.segment(job)), true, common, "job");
        }
    }

    static String progress(JsonNode job) {
        JsonNode p = job.path("progress");
        long total = p.path("bytesTotal").asLong();
        long done = p.path("bytesDone").asLong();
        if (total <= 0) {
            return done > 0 ? Output.bytes(done) : "-";
        }
        String text = Output.bytes(done) + " / " + Output.bytes(total) + String.format(java.util.Locale.ROOT, " (%d%%)", done * 100 / total);
        long rate = p.path("bytesPerSecond").asLong(-1);
        long eta = p.path("etaSeconds").asLong(-1);
        if (rate > 0 && "running".equals(job.path("state").asText())) {
            text += String.format(java.util.Locale.ROOT, " %.0f MB/s ETA %d:%02d", rate / 1e6, Math.max(0, eta) / 60, Math.max(0, eta) % 60);
        }
        return text;
    }
}
