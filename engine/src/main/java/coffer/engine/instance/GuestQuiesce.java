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
 * <p>One object per guest and backup, driven in steps so that a consistency group can run each step on all
 * its guests before the next ({@link #prepare}, {@link #freeze}, the instant, {@link #thaw}, {@link #finish});
 * {@link #around} is the one-guest sequence.
 *
 * <p>A guest is never left frozen: thaw in a {@code finally} (failure, exception, cancel = interrupt), a thaw
 * even after a freeze that failed or timed out (the agent may still complete it), a {@link FreezeWatchdog}
 * that thaws after {@link AppConsistency#maxFrozen()} whatever the backup is doing, and
 * {@link #thawLeftFrozen} at the start of every run for a guest frozen by a run that died.
 *
 * <p>Not thread-safe: one thread drives one guest's steps (the static methods are thread-safe).
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

    private final GuestAgent agent;
    private final AppConsistency options;
    private final List<String> warnings = new ArrayList<>();
    private final List<String> lowered = new ArrayList<>();
    /** Set when the level is CRASH whatever happens next (no agent, freeze failed). */
    private String crashReason;
    private boolean prescriptStarted;
    private boolean prescriptRan;
    private FreezeWatchdog watchdog;
    private long freezeSent;
    private boolean frozen;
    private Duration window;

    private GuestQuiesce(GuestAgent agent, AppConsistency options) {
        this.agent = agent;
        this.options = options;
    }

    /** Takes the instant with the consistency {@code options} ask for and returns what was reached. */
    static Outcome around(GuestAgent agent, AppConsistency options, Instant instant) throws IOException {
        GuestQuiesce guest = prepare(agent, options);
        try {
            guest.freeze();
            try {
                instant.take();
            } finally {
                guest.thaw();
            }
        } finally {
            guest.finish();
        }
        return guest.outcome();
    }

    /**
     * Before the instant: agent ping, OS, the Linux scripts' check and the prescript. Whatever is missing
     * lowers the level. On cancel the postscript still runs (when the prescript started).
     */
    static GuestQuiesce prepare(GuestAgent agent, AppConsistency options) throws IOException {
        GuestQuiesce guest = new GuestQuiesce(agent, options);
        if (!options.enabled()) {
            return guest;
        }
        try {
            agent.ping(PING_TIMEOUT);
        } catch (GuestAgentException e) {
            guest.crashReason = "no guest agent: " + e.agentMessage();
            return guest;
        }
        try {
            if ("mswindows".equals(osId(agent))) {
                if (!options.includeWriters()) {
                    guest.lowered.add("VSS writers not included (include writers off)");
                }
            } else {
                Optional<String> problem = GuestScripts.problem(agent);
                if (problem.isPresent()) {
                    guest.lowered.add(problem.get());
                } else {
                    guest.prescriptStarted = true;
                    guest.prescriptRan = true;
                    GuestScripts.run(agent, GuestScripts.PRESCRIPT, options.scriptTimeout()).ifPresent(guest.lowered::add);
                }
            }
        } catch (InterruptedException e) {
            guest.finish();
            throw new InterruptedIOException("cancelled while quiescing domain " + agent.domain());
        } catch (RuntimeException e) {
            guest.finish();
            throw e;
        }
        return guest;
    }

    /** Freezes the guest's file systems when asked and possible; a failed freeze is thawed at once (CRASH). */
    void freeze() {
        if (!options.enabled() || crashReason != null || !options.freezeFileSystems()) {
            return;
        }
        watchdog = FreezeWatchdog.arm(agent, options.maxFrozen());
        freezeSent = System.nanoTime();
        try {
            agent.freeze(options.freezeTimeout());
            frozen = true;
        } catch (GuestAgentException e) {
            if (thaw(agent, warnings)) { // a timed-out freeze may still complete in the guest
                watchdog.disarm();
            }
            crashReason = "file-system freeze failed: " + e.agentMessage();
        }
    }

    /** Thaws a frozen guest (with the thread's interrupt cleared) and measures the window; never throws. */
    void thaw() {
        if (!frozen) {
            return;
        }
        frozen = false;
        boolean confirmed = thaw(agent, warnings);
        window = Duration.ofNanos(System.nanoTime() - freezeSent);
        if (confirmed) {
            watchdog.disarm();
        }
    }

    /**
     * After the instant: thaws if still frozen, runs the postscript (when the prescript started) and waits for a
     * watchdog that fired. Never throws; an interrupt is kept on the thread.
     */
    void finish() {
        thaw();
        if (prescriptStarted) {
            prescriptStarted = false; // once, also when finish is called again
            postscript(agent, options, warnings);
        }
        if (watchdog != null) {
            try {
                watchdog.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (watchdog.report() != null) {
                warnings.add(watchdog.report());
            }
            watchdog = null;
        }
    }

    /** What was reached; valid after {@link #finish}. */
    Outcome outcome() {
        if (!options.enabled()) {
            return new Outcome(ConsistencyLevel.CRASH, null, null, List.of());
        }
        if (crashReason != null) {
            return new Outcome(ConsistencyLevel.CRASH, crashReason, null, List.copyOf(warnings));
        }
        if (!options.freezeFileSystems()) {
            return new Outcome(ConsistencyLevel.CRASH, "file-system freeze turned off"
                    + (prescriptRan ? " (the prescript ran; file systems were not frozen)" : "")
                    + (lowered.isEmpty() ? "" : "; " + String.join("; ", lowered)), null, List.copyOf(warnings));
        }
        String reason = lowered.isEmpty() ? null : String.join("; ", lowered);
        return new Outcome(lowered.isEmpty() ? ConsistencyLevel.APPLICATION : ConsistencyLevel.FILESYSTEM,
                reason, window, List.copyOf(warnings));
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
