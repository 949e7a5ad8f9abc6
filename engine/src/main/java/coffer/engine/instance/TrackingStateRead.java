package coffer.engine.instance;

import coffer.virt.domain.BlockNodeBitmaps;
import coffer.virt.libvirt.Libvirt;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The change-tracking state of a domain that its plan needs and that does not depend on the domain's XML: its
 * checkpoints, and for a running domain the bitmaps QEMU holds per block node. Asked of libvirt on a thread of its
 * own as soon as the domain is found, while the backup reads and parses the domain's XML and begins its point
 * writer: two libvirt round trips less on a command-line incremental's serial start (docs/performance.md,
 * "Session 13").
 *
 * <p>Stateless; the calls run as a {@link BackgroundRead}.
 */
final class TrackingStateRead {
    /** The checkpoints, parents first, and per block node source the bitmaps QEMU has (empty: shut off). */
    record State(List<String> checkpoints, Map<String, Set<String>> qemuBitmaps) {
    }

    private TrackingStateRead() {
    }

    /** Starts asking libvirt about {@code domain} ({@code running}: QEMU's bitmaps too). */
    static BackgroundRead<State> start(Libvirt libvirt, String domain, boolean running, PhaseTrace trace) {
        return BackgroundRead.start("tracking-state", () -> {
            List<String> checkpoints = libvirt.checkpoints(domain);
            trace.mark("checkpoints listed");
            Map<String, Set<String>> bitmaps = running ? BlockNodeBitmaps.parse(libvirt.monitorCommand(domain,
                    "{\"execute\":\"query-named-block-nodes\"}", false)) : Map.of();
            trace.mark("QEMU bitmaps queried");
            return new State(checkpoints, bitmaps);
        });
    }
}
