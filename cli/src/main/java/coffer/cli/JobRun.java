package coffer.cli;

import coffer.engine.operation.JobOperation;
import coffer.engine.operation.Operations;

/**
 * Runs a long operation the way both modes share: offline it runs here, with a progress bar, and its result is
 * rendered; through a server it is a job, rendered as queued, or with {@code --wait} followed with a progress bar
 * and its result rendered: the same result record, so the same output. {@code --wait} offline is refused (the
 * operation always runs to its end there).
 */
final class JobRun {
    private JobRun() {
    }

    static <R> int run(Transport transport, CommonOptions common, JobOperation<R> operation, boolean wait, int threads,
                       String label) throws InterruptedException {
        transport.refuse(wait && transport.offline(), "--wait", "the operation runs in this command to its end");
        Operations operations = transport.open(threads);
        try {
            return follow(operations.start(operation), common, wait, label);
        } finally {
            Transport.close(operations);
        }
    }

    static <R> int follow(Operations.Run<R> run, CommonOptions common, boolean wait, String label) throws InterruptedException {
        if (run.job().isPresent() && !wait) {
            Render.result(common, run.job().get());
            return 0;
        }
        R result;
        try (ProgressBar bar = new ProgressBar(Cli.err(), !common.json(), label)) {
            result = run.await(bar);
        }
        Render.result(common, result);
        return 0;
    }
}
