package coffer.engine.instance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A read a backup's preparation starts on a thread of its own and joins when its plan needs it, so that round trips
 * to different places (the vault's files, libvirtd, QEMU) overlap on a command-line incremental's serial start
 * (docs/performance.md, "Session 12" and "Session 13"). Its failure comes out of {@link #join} as the read threw it.
 *
 * <p>Thread-safe; {@link #close} waits for the read to end, so none outlives the backup's preparation.
 *
 * @param <T> what is read
 */
final class BackgroundRead<T> implements AutoCloseable {
    /** A read that may fail with an {@link IOException}. */
    @FunctionalInterface
    interface Read<T> {
        T read() throws IOException;
    }

    private final CompletableFuture<T> read;

    private BackgroundRead(CompletableFuture<T> read) {
        this.read = read;
    }

    /** Starts {@code read} on a daemon platform thread named {@code thread}. */
    static <T> BackgroundRead<T> start(String thread, Read<T> read) {
        return new BackgroundRead<>(CompletableFuture.supplyAsync(() -> {
            try {
                return read.read();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, task -> Thread.ofPlatform().daemon().name(thread).start(task)));
    }

    /** What was read, once read; the read's failure as it threw it. */
    T join() throws IOException {
        try {
            return read.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            read.join();
        } catch (CompletionException | CancellationException e) {
            // the caller has its own failure, or met (or will meet) this one in join
        }
    }
}
