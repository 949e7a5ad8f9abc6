package coffer.vault;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one task per index on a few platform threads: the chunks of a disk (hashing, zstd, AES, and the reads
 * and writes around them), or the disks of a point. The first failure stops the others; interrupting the
 * calling thread cancels the run. When {@link #run} returns or throws, no worker is still running.
 *
 * <p>Stateless; thread-safe.
 */
public final class ChunkWorkers {
    private ChunkWorkers() {
    }

    /** Work on one chunk, given a per-worker scratch buffer. */
    @FunctionalInterface
    public interface Task {
        void run(int chunk, byte[] buffer) throws IOException;
    }

    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Chunk workers per disk of a backup: two per core, so that while one waits for a read (QEMU or qemu-nbd reading
     * the image, cold) another computes; measured 10 % faster than one per core on a cold 4 GiB domain
     * (docs/performance.md, session 7), and used by image backups too since session 10.
     */
    public static int backupThreads() {
        return 2 * defaultThreads();
    }

    public static void run(int chunks, int threads, int bufferSize, Task task) throws IOException {
        if (chunks == 0) {
            return;
        }
        int workers = Math.max(1, Math.min(threads, chunks));
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, Thread.ofPlatform().daemon().name("chunk-", 0).factory());
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    byte[] buffer = new byte[bufferSize];
                    int i;
                    while ((i = next.getAndIncrement()) < chunks) {
                        if (Thread.currentThread().isInterrupted()) {
                            throw new InterruptedIOException("cancelled");
                        }
                        try {
                            task.run(i, buffer);
                        } catch (IOException e) {
                            next.set(chunks);
                            throw new UncheckedIOException(e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("cancelled");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        } finally {
            next.set(chunks);
            pool.shutdownNow();
            boolean interrupted = false;
            while (true) {
                try {
                    if (pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
