package coffer.cli;

import coffer.engine.job.JobState;
import coffer.engine.job.JobType;
import coffer.engine.operation.CancelJob;
import coffer.engine.operation.JobFollow;
import coffer.engine.operation.JobLog;
import coffer.engine.operation.JobView;
import coffer.engine.operation.ListJobs;
import coffer.engine.operation.ShowJob;
import coffer.engine.operation.ShowJobLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code coffer job list|show|log|cancel|wait} (needs a server). */
@Command(name = "job", description = "Jobs of the server: list, show, log, cancel, wait.", mixinStandardHelpOptions = true)
final class JobCommand {

    @Command(name = "list", description = "Jobs, newest first.", mixinStandardHelpOptions = true)
    static final class ListJobs_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Option(names = "--state", paramLabel = "STATE", description = "One of: ${COMPLETION-CANDIDATES}.") JobState state;
        @Option(names = "--type", paramLabel = "TYPE", description = "One of: ${COMPLETION-CANDIDATES}.") JobType type;
        @Option(names = "--target", paramLabel = "ID", description = "Instance, point, group or group point id.") String target;
        @Option(names = "--instance", paramLabel = "INSTANCE", description = "Only the jobs of this instance (name or UUID).") String instance;
        @Option(names = "--host", paramLabel = "HOST", description = "Only the jobs of this libvirt host.") String host;
        @Mixin PageOptions page;
        @Option(names = "--limit", paramLabel = "N", description = "At most N jobs (1-1000, default ${DEFAULT-VALUE}).", defaultValue = "50") int limit;
        @Option(names = "--region", paramLabel = "REGION", description = "Only the jobs run by a host of this region.") String region;

        @Override
        public Integer call() {
            return Operate.call(server, common, new ListJobs(state, type, target, instance, host, region, page.since, page.until,
                    page.cursor, limit));
        }
    }

    @Command(name = "show", description = "One job: progress, result or error.", mixinStandardHelpOptions = true)
    static final class Show implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "JOB", description = "The job's id.") String job;

        @Override
        public Integer call() {
            return Operate.call(server, common, new ShowJob(job));
        }
    }

    @Command(name = "log", description = "A job's log, oldest line first; every page unless --limit is given.",
            mixinStandardHelpOptions = true)
    static final class Log implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "JOB", description = "The job's id.") String job;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "The lines after this cursor (a previous page's next cursor).") String cursor;
        @Option(names = "--limit", paramLabel = "N", description = "One page of at most N lines (1-1000), with the cursor of the next.") Integer limit;

        @Override
        public Integer call() {
            ShowJobLog first = new ShowJobLog(job, cursor, limit);
            return Operate.callOneOrEveryPage(server, common, limit != null, first, JobLog::nextCursor,
                    next -> new ShowJobLog(job, next, null),
                    pages -> JobLog.of(pages.stream().flatMap(page -> page.entries().stream()).toList()));
        }
    }

    @Command(name = "cancel", description = "Cancel a queued or running job; it cleans up what it started.",
            mixinStandardHelpOptions = true)
    static final class Cancel implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "JOB", description = "The job's id.") String job;
        @Option(names = "--wait", description = "Wait until the job has ended.") boolean wait;

        @Override
        public Integer call() throws InterruptedException {
            HttpOperations operations = server.operations();
            JobView j = operations.call(new CancelJob(job));
            while (wait && !j.state().isFinal()) {
                Thread.sleep(300);
                j = operations.call(new ShowJob(job));
            }
            Render.result(common, j);
            return 0;
        }
    }

    @Command(name = "wait", description = "Wait for a job with a progress bar, then show it; fails as the job does.",
            mixinStandardHelpOptions = true)
    static final class Wait implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "JOB", description = "The job's id.") String job;

        @Override
        public Integer call() throws InterruptedException {
            HttpOperations operations = server.operations();
            JobView queued = operations.call(new ShowJob(job));
            JobView done;
            try (ProgressBar bar = new ProgressBar(Cli.err(), !common.json(), "job")) {
                done = JobFollow.awaitEnd(queued, () -> operations.call(new ShowJob(job)), bar);
            }
            Render.result(common, done);
            return 0;
        }
    }
}
