package coffer.engine.job;

import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A worker's identity in job rows: {@code hostname:pid:random:boot} ({@code boot}: the machine's boot id,
 * {@link coffer.vault.BootId}, since session 22; {@code hostname:pid:random} before, or where the kernel does not say).
 * From it a restarted server tells at once that a job claimed on its own machine in this boot lost its worker (the
 * process is gone, or it is this process but no runner of it has that id), without waiting for the heartbeat to go
 * stale. A worker of another machine of the same host name (another boot) is never judged by its pid: its heartbeat
 * decides. An id of the earlier form is judged by its host name, as before. Runners of this process register their ids
 * while they run.
 *
 * <p>Thread-safe.
 */
record WorkerId(String host, long pid, String nonce, String boot) {
    private static final java.util.regex.Pattern BOOT = java.util.regex.Pattern.compile("[0-9a-f]{32}");

    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    static String fresh() {
        byte[] nonce = new byte[4];
        ThreadLocalRandom.current().nextBytes(nonce);
        String boot = coffer.vault.BootId.get();
        return localHost() + ":" + ProcessHandle.current().pid() + ":" + HexFormat.of().formatHex(nonce)
                + (boot == null ? "" : ":" + boot);
    }

    static Optional<WorkerId> parse(String id) {
        if (id == null) {
            return Optional.empty();
        }
        int end = id.lastIndexOf(':');
        if (end > 0 && BOOT.matcher(id.substring(end + 1)).matches()) {
            Optional<WorkerId> withoutBoot = parseWithoutBoot(id.substring(0, end));
            if (withoutBoot.isPresent()) {
                WorkerId w = withoutBoot.get();
                return Optional.of(new WorkerId(w.host(), w.pid(), w.nonce(), id.substring(end + 1)));
            }
        }
        return parseWithoutBoot(id);
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
                    id.substring(last + 1), null));
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
     * True when {@code id} names a worker on this machine, in this boot, that certainly no longer runs (one of another
     * machine of the same host name never: its heartbeat decides).
     */
    static boolean certainlyDead(String id) {
        Optional<WorkerId> parsed = parse(id);
        if (parsed.isEmpty() || !parsed.get().host().equals(localHost())
                || !coffer.vault.BootId.sameBoot(parsed.get().boot())) {
            return false;
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
