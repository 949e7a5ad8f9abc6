package coffer.engine.instance;

import coffer.virt.domain.BlockNodeBitmaps;
import coffer.virt.libvirt.Libvirt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The change-tracking state of a domain that its plan needs and that does not depend on the domain's XML: its
 * checkpoints, and for a running domain the bitmaps QEMU holds per block node. Asked of libvirt on a thread of its
 * own as soon as the domain is found, while the backup reads and parses the domain's XML and begins its point
 * writer: two libvirt round trips less on a command-line incremental's serial start (docs/performance.md,
 * "Session 13").
 *
 * <p>Thread-safe; {@link #close} waits for the calls to end, so none outlives the backup's preparation.
 */
final class TrackingStateRead implements AutoCloseable {
    /** The checkpoints, parents first, and per block node source the bitmaps QEMU has (empty: shut off). */
    record State(List<String> checkpoints, Map<String, Set<String>> qemuBitmaps) {
    }

    private final CompletableFuture<State> read;

    private TrackingStateRead(CompletableFuture<State> read) {
        this.read = read;
    }

    /** Starts asking libvirt about {@code domain} ({@code running}: QEMU's bitmaps too). */
    static TrackingStateRead start(Libvirt libvirt, String domain, boolean running, PhaseTrace trace) {
        return new TrackingStateRead(CompletableFuture.supplyAsync(() -> {
            try {
                List<String> checkpoints = libvirt.checkpoints(domain);
                trace.mark("checkpoints listed");
                Map<String, Set<String>> bitmaps = running ? BlockNodeBitmaps.parse(libvirt.monitorCommand(domain,
                        "{\"execute\":\"query-named-block-nodes\"}", false)) : Map.of();
                trace.mark("QEMU bitmaps queried");
                return new State(checkpoints, bitmaps);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, task -> Thread.ofPlatform().daemon().name("tracking-state").start(task)));
    }

    /** The state, once read; a failure as libvirt threw it. */
    State join() throws IOException {
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
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            // the caller has its own failure, or met this one in join
        }
    }
}
