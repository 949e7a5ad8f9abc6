package coffer.engine.job;

import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A worker's identity in job rows: {@code hostname:pid:random}. From it a restarted server tells at once that
 * a job claimed on its own machine lost its worker (the process is gone, or it is this process but no runner
 * of it has that id), without waiting for the heartbeat to go stale. Runners of this process register their
 * ids while they run.
 *
 * <p>Thread-safe.
 */
record WorkerId(String host, long pid, String nonce) {
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    static String fresh() {
        byte[] nonce = new byte[4];
        ThreadLocalRandom.current().nextBytes(nonce);
        return localHost() + ":" + ProcessHandle.current().pid() + ":" + HexFormat.of().formatHex(nonce);
    }

    static Optional<WorkerId> parse(String id) {
        if (id == null) {
            return Optional.empty();
        }
        int last = id.lastIndexOf(':');
        int middle = last > 0 ? id.lastIndexOf(':', last - 1) : -1;
        if (middle <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new WorkerId(id.substring(0, middle), Long.parseLong(id.substring(middle + 1, last)),
                    id.substring(last + 1)));
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

    /** True when {@code id} names a worker on this machine that certainly no longer runs. */
    static boolean certainlyDead(String id) {
        Optional<WorkerId> parsed = parse(id);
        if (parsed.isEmpty() || !parsed.get().host().equals(localHost())) {
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
