package coffer.engine.instance;

import coffer.vault.trace.PhaseTrace;
import coffer.virt.domain.BackupXml;
import coffer.virt.domain.BlockNodeBitmaps;
import coffer.virt.libvirt.Libvirt;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The change-tracking state of a domain that its plan needs and that does not depend on the domain's XML: its
 * checkpoints, for a running domain the bitmaps QEMU holds per block node, and the disks the newest checkpoint keeps
 * a bitmap on. Asked of libvirt on a thread of its own as soon as the domain is found, while the backup reads and
 * parses the domain's XML and begins its point writer: libvirt round trips less on a command-line incremental's
 * serial start (docs/performance.md, "Session 13" and "Session 14").
 *
 * <p>Stateless; the calls run as a {@link BackgroundRead}.
 */
final class TrackingStateRead {
    /**
     * The checkpoints, parents first; per block node source the bitmaps QEMU has (empty: shut off); and the disks
     * the newest checkpoint (the last) keeps a bitmap on, null when there is none or its XML could not be read here.
     */
    record State(List<String> checkpoints, Map<String, Set<String>> qemuBitmaps, List<String> newestBitmapDisks) {
        /**
         * The disks checkpoint {@code name} keeps a bitmap on, when read with the state (the newest checkpoint, which
         * the previous point's normally is: older ones are pruned after each success); else null, and the plan asks.
         */
        List<String> bitmapDisksOf(String name) {
            return newestBitmapDisks != null && name.equals(checkpoints.getLast()) ? newestBitmapDisks : null;
        }
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
            return new State(checkpoints, bitmaps, checkpoints.isEmpty() ? null
                    : newestBitmapDisks(libvirt, domain, checkpoints.getLast()));
        });
    }

    /**
     * The disks {@code checkpoint} keeps a bitmap on; null when its XML cannot be read or parsed now (removed since
     * the listing, say): then the plan asks for it itself, if it needs it, and meets the failure as it always has.
     */
    private static List<String> newestBitmapDisks(Libvirt libvirt, String domain, String checkpoint) {
        try {
            return List.copyOf(BackupXml.bitmapDisksOf(libvirt.checkpointXml(domain, checkpoint)));
        } catch (IOException | RuntimeException e) {
            return null; // only a prefetch: the plan asks again when it needs these disks
        }
    }
}
