package coffer.engine.operation;

import coffer.engine.JobProgress;

import java.util.Optional;

/**
 * The one entry point to what Coffer does, whatever carries it: the command line calls it offline (on a vault, in
 * its own process) or through a server (over HTTP), and the server answers its API with it (on its catalog).
 * Each implementation takes and returns the same records; an operation an implementation cannot do is refused
 * with {@code InvalidArgument} naming the mode that can (docs/design/operations.md).
 */
public interface Operations {
    /** Runs a query or a quick change and returns its result. */
    <R> R call(Operation<R> operation);

    /** Starts a long operation: a job through a server; offline it runs when {@link Run#await} is called. */
    <R> Run<R> start(JobOperation<R> operation);

    /** A started long operation. */
    interface Run<R> {
        /** The job that carries it (empty offline: nothing is queued). */
        Optional<JobView> job();

        /** Runs it to its end (offline) or follows its job (through a server), reporting progress; its result. */
        R await(JobProgress progress) throws InterruptedException;
    }
}
