package coffer.engine.instance;

import coffer.virt.agent.FreezeStatus;
import coffer.virt.agent.GuestAgent;
import coffer.virt.agent.GuestAgentException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Application consistency around the instant of a running domain's point (docs/design/consistency.md):
 * prescript, {@code guest-fsfreeze-freeze}, the instant ({@code backup-begin}), thaw as soon as it returns,
 * postscript. What could not be done lowers the level, with the reason; nothing here fails the backup.
 *
 * <p>A guest is never left frozen: thaw in a {@code finally} (failure, exception, cancel = interrupt), a thaw
 * even after a freeze that failed or timed out (the agent may still complete it), a {@link FreezeWatchdog}
 * that thaws after {@link AppConsistency#maxFrozen()} whatever the backup is doing, and
 * {@link #thawLeftFrozen} at the start of every run for a guest frozen by a run that died.
 *
 * <p>Stateless; thread-safe.
 */
final class GuestQuiesce {
    static final Duration PING_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration THAW_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(2);

    /** The instant of the point: {@code backup-begin} for all disks. */
    @FunctionalInterface
    interface Instant {
        void take() throws IOException;
    }

    /**
     * The level reached; why it is lower than asked (null when as asked); how long the guest's file systems
     * could block writes (freeze sent to thaw returned; null when nothing was frozen); what went wrong on
     * the side (postscript failure, watchdog, thaw retries).
     */
    record Outcome(ConsistencyLevel level, String reason, Duration freezeWindow, List<String> warnings) {
    }

    private GuestQuiesce() {
    }

    /** Takes the instant with the consistency {@code options} ask for and returns what was reached. */
    static Outcome around(GuestAgent agent, AppConsistency options, Instant instant) throws IOException {
        if (!options.enabled()) {
            instant.take();
            return new Outcome(ConsistencyLevel.CRASH, null, null, List.of());
        }
        try {
            agent.ping(PING_TIMEOUT);
        } catch (GuestAgentException e) {
            instant.take();
            return new Outcome(ConsistencyLevel.CRASH, "no guest agent: " + e.agentMessage(), null, List.of());
        }
        List<String> warnings = new ArrayList<>();
        List<String> lowered = new ArrayList<>();
        boolean windows = "mswindows".equals(osId(agent));
        boolean prescriptStarted = false;
        try {
            if (windows) {
                if (!options.includeWriters()) {
                    lowered.add("VSS writers not included (include writers off)");
                }
            } else {
                Optional<String> problem = GuestScripts.problem(agent);
                if (problem.isPresent()) {
                    lowered.add(problem.get());
                } else {
                    prescriptStarted = true;
                    GuestScripts.run(agent, GuestScripts.PRESCRIPT, options.scriptTimeout()).ifPresent(lowered::add);
                }
            }
            if (!options.freezeFileSystems()) {
                instant.take();
                return new Outcome(ConsistencyLevel.CRASH, "file-system freeze turned off"
                        + (prescriptStarted ? " (the prescript ran; file systems were not frozen)" : "")
                        + (lowered.isEmpty() ? "" : "; " + String.join("; ", lowered)), null, warnings);
            }
            return frozen(agent, options, instant, lowered, warnings);
        } catch (InterruptedException e) {
            throw new InterruptedIOException("cancelled while quiescing domain " + agent.domain());
        } finally {
            if (prescriptStarted) {
                postscript(agent, options, warnings);
            }
        }
    }

    private static Outcome frozen(GuestAgent agent, AppConsistency options, Instant instant, List<String> lowered,
                                  List<String> warnings) throws IOException, InterruptedException {
        FreezeWatchdog watchdog = FreezeWatchdog.arm(agent, options.maxFrozen());
        long sent = System.nanoTime();
        boolean thawed = false;
        try {
            try {
                agent.freeze(options.freezeTimeout());
            } catch (GuestAgentException e) {
                thawed = thaw(agent, warnings); // a timed-out freeze may still complete in the guest
                instant.take();
                return new Outcome(ConsistencyLevel.CRASH, "file-system freeze failed: " + e.agentMessage(), null,
                        warnings);
            }
            try {
                instant.take();
            } finally {
                thawed = thaw(agent, warnings);
            }
            Duration window = Duration.ofNanos(System.nanoTime() - sent);
            String reason = lowered.isEmpty() ? null : String.join("; ", lowered);
            return new Outcome(lowered.isEmpty() ? ConsistencyLevel.APPLICATION : ConsistencyLevel.FILESYSTEM,
                    reason, window, warnings);
        } finally {
            if (thawed) {
                watchdog.disarm();
            }
            watchdog.close();
            if (watchdog.report() != null) {
                warnings.add(watchdog.report());
            }
        }
    }

    /** Thaws; true when the agent confirmed. Runs with the thread's interrupt cleared, then restores it. */
    private static boolean thaw(GuestAgent agent, List<String> warnings) {
        boolean interrupted = Thread.interrupted();
        try {
            agent.thaw(THAW_TIMEOUT);
            return true;
        } catch (GuestAgentException e) {
            warnings.add("thaw failed (the freeze watchdog retries): " + e.agentMessage());
            return false;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void postscript(GuestAgent agent, AppConsistency options, List<String> warnings) {
        boolean interrupted = Thread.interrupted();
        try {
            GuestScripts.run(agent, GuestScripts.POSTSCRIPT, options.scriptTimeout())
                    .ifPresent(problem -> warnings.add("postscript: " + problem));
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String osId(GuestAgent agent) {
        try {
            return agent.osId(PING_TIMEOUT);
        } catch (GuestAgentException e) {
            return ""; // old agents lack guest-get-osinfo: treated as Linux
        }
    }

    /**
     * Start of every run of a running domain with an agent: a guest found frozen (a run killed while it was
     * frozen) is thawed and a warning recorded. Silent when there is no agent.
     */
    static void thawLeftFrozen(GuestAgent agent, List<String> warnings) {
        try {
            if (agent.freezeStatus(STATUS_TIMEOUT) == FreezeStatus.FROZEN) {
                int count = agent.thaw(THAW_TIMEOUT);
                warnings.add("the guest was found frozen (left by an interrupted run) and was thawed (" + count
                        + " file systems)");
            }
        } catch (GuestAgentException e) {
            // no agent, or it does not answer: nothing we can thaw
        }
    }
}
