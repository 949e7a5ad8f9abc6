package coffer.engine.job;

import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A worker's identity in job rows: {@code hostname:pid:random:boot:machine} ({@code boot}: the machine's boot id,
 * {@link coffer.vault.BootId}, since session 22; {@code machine}: its machine id, {@link coffer.vault.MachineId}, since
 * session 24; {@code hostname:pid:random:boot} before, or where there is no machine id; {@code hostname:pid:random}
 * before session 22, or where the kernel does not say). From it a restarted server tells at once that a job claimed on
 * its own machine lost its worker, without waiting for the heartbeat to go stale: in this boot, the process is gone, or
 * it is this process but no runner of it has that id; in an earlier boot of this machine (its machine id this
 * machine's, its boot in this machine's boot history, {@link coffer.vault.BootId#earlierBootOfThisMachine}), whatever
 * its pid. A worker of another machine of the same host name (another boot not in the history, even one sharing the
 * machine id) is never judged by its pid: its heartbeat decides. An id of an earlier form is judged as before: without
 * the machine id by its boot, without the boot by its host name. Runners of this process register their ids while they
 * run.
 *
 * <p>Thread-safe.
 */
record WorkerId(String host, long pid, String nonce, String boot, String machine) {
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    /** An id without the machine id (written before session 24, or where there is none). */
    WorkerId(String host, long pid, String nonce, String boot) {
        this(host, pid, nonce, boot, null);
    }

    static String fresh() {
        byte[] nonce = new byte[4];
        ThreadLocalRandom.current().nextBytes(nonce);
        String boot = coffer.vault.BootId.get();
        String machine = coffer.vault.MachineId.get();
        coffer.vault.EarlierBoots.rememberThisBoot(); // so that after a reboot this boot's workers are known as gone
        return localHost() + ":" + ProcessHandle.current().pid() + ":" + HexFormat.of().formatHex(nonce)
                + (boot == null ? "" : ":" + boot) + (boot == null || machine == null ? "" : ":" + machine);
    }

    /**
     * The id read from the right ({@link coffer.vault.TrailingIds}): {@code boot} and {@code machine} when its last two
     * fields are 32 hex digits each, else {@code boot} when its last is, then {@code random}, {@code pid} and the host.
     */
    static Optional<WorkerId> parse(String id) {
        if (id == null) {
            return Optional.empty();
        }
        for (coffer.vault.TrailingIds reading : coffer.vault.TrailingIds.readings(id, ':', 3)) {
            Optional<WorkerId> head = parseWithoutBoot(reading.head());
            if (head.isPresent()) {
                WorkerId w = head.get();
                return Optional.of(new WorkerId(w.host(), w.pid(), w.nonce(), reading.boot(), reading.machine()));
            }
        }
        return Optional.empty();
    }

    /** {@code hostname:pid:random}, the form before session 22 (and where the boot id is unknown). */
    private static Optional<WorkerId> parseWithoutBoot(String id) {
        int last = id.lastIndexOf(':');
        int middle = last > 0 ? id.lastIndexOf(':', last - 1) : -1;
        if (middle <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new WorkerId(id.substring(0, middle), Long.parseLong(id.substring(middle + 1, last)),
                    id.substring(last + 1), null, null));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static void register(String id) {
        LIVE.add(id);
    }

    static void unregister(String id) {
        LIVE.remove(id);
    }

    /**
     * True when {@code id} names a worker on this machine that certainly no longer runs: of this boot, its process is
     * gone (or is this one, with no runner of that id); of an earlier boot of this machine, whatever its pid. One of
     * another machine of the same host name never: its heartbeat decides.
     */
    static boolean certainlyDead(String id) {
        Optional<WorkerId> parsed = parse(id);
        if (parsed.isEmpty() || !parsed.get().host().equals(localHost())) {
            return false;
        }
        if (!coffer.vault.BootId.sameBoot(parsed.get().boot())) {
            return coffer.vault.BootId.earlierBootOfThisMachine(parsed.get().boot(), parsed.get().machine());
        }
        long pid = parsed.get().pid();
        if (pid == ProcessHandle.current().pid()) {
            return !LIVE.contains(id);
        }
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    static String localHost() {
        return coffer.vault.HostName.get();
    }
}
