package coffer.engine.group;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one step on every member at once (one virtual thread each) and returns when <em>all</em> have
 * finished — also when the calling thread is interrupted meanwhile: a step that pauses or freezes must not
 * be left behind by its caller, so the interrupt is remembered and restored afterwards, never acted on here.
 *
 * <p>Stateless; thread-safe.
 */
final class Concurrently {
    @FunctionalInterface
    interface Step<T> {
        void apply(T member) throws IOException;
    }

    private Concurrently() {
    }

    /** Applies {@code step} to every item at once; the first failure is thrown with the others suppressed. */
    static <T> void forEach(List<T> items, Step<T> step) throws IOException {
        if (items.size() == 1) { // no thread for the common single-running-member case
            step.apply(items.getFirst());
            return;
        }
        List<Throwable> failures = new ArrayList<>();
        boolean interrupted = false;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (T item : items) {
                running.add(threads.submit(() -> {
                    step.apply(item);
                    return null;
                }));
            }
            for (Future<?> future : running) {
                while (true) {
                    try {
                        future.get();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        failures.add(e.getCause());
                        break;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (!failures.isEmpty()) {
            Throwable first = failures.getFirst();
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            switch (first) {
                case IOException e -> throw e;
                case RuntimeException e -> throw e;
                case Error e -> throw e;
                default -> throw new IOException(first);
            }
        }
    }

    /** Throws when the calling thread was interrupted (cancel), clearing nothing. */
    static void checkCancelled(String when) throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("cancelled " + when);
        }
    }
}
