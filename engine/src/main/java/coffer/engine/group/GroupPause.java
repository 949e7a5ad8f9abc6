package coffer.engine.group;

import coffer.virt.libvirt.DomainState;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;
import coffer.virt.process.DeathGuard;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The group's pause: every given running domain suspended at once ({@code virDomainSuspend}), and on
 * {@link #close} all resumed at once. Only domains this pause suspended are resumed (a domain the user had
 * paused stays paused). A watchdog armed before the first suspend resumes them {@code maxPaused} later
 * whatever the caller is doing (stalled in libvirt, its thread blocked); then the instant is no longer
 * common and {@link #watchdogFired} tells the caller to fail the group. A process killed while its domains
 * are paused cannot resume them: a {@link DeathGuard} per domain, armed before the suspends, does.
 *
 * <p>Thread-safe: the suspend and resume calls run on their own threads, the watchdog on a daemon thread.
 */
final class GroupPause implements AutoCloseable {
    private final Libvirt libvirt;
    private final List<String> suspended = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final CountDownLatch disarmed = new CountDownLatch(1);
    private final AtomicBoolean fired = new AtomicBoolean();
    private final List<DeathGuard> guards;
    private final long sent = System.nanoTime();
    private Duration window;

    private GroupPause(Libvirt libvirt, List<DeathGuard> guards) {
        this.libvirt = libvirt;
        this.guards = guards;
    }

    /** Suspends every domain of {@code domains} that is running; on failure resumes those already suspended. */
    static GroupPause pause(Libvirt libvirt, List<String> domains, Duration maxPaused) throws IOException {
        List<String> running = new ArrayList<>();
        for (String domain : domains) {
            DomainState state = libvirt.state(domain);
            if (state == DomainState.RUNNING || state == DomainState.BLOCKED) {
                running.add(domain);
            }
        }
        String uri = libvirt.uri();
        GroupPause pause = new GroupPause(libvirt, running.stream().map(d -> DeathGuard.virsh(uri, "resume", d)).toList());
        Thread.ofPlatform().daemon().name("coffer-group-resume-watchdog").start(() -> pause.watch(maxPaused));
        try {
            Concurrently.forEach(running, domain -> {
                libvirt.suspend(domain);
                synchronized (pause.suspended) {
                    pause.suspended.add(domain);
                }
            });
        } catch (IOException | RuntimeException e) {
            try {
                pause.close();
            } catch (IOException stillPaused) {
                e.addSuppressed(stillPaused);
            }
            throw e;
        }
        return pause;
    }

    private void watch(Duration maxPaused) {
        try {
            if (disarmed.await(maxPaused.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
            fired.set(true);
            List<String> failed = resumeAll(snapshot());
            if (failed.isEmpty()) {
                guards.forEach(DeathGuard::disarm);
            }
            synchronized (warnings) {
                warnings.add("the pause watchdog resumed the group's domains after " + maxPaused.toMillis() + " ms"
                        + (failed.isEmpty() ? "" : "; could not resume: " + failed));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<String> snapshot() {
        synchronized (suspended) {
            return List.copyOf(suspended);
        }
    }

    /** Resumes each domain still paused; returns those that could not be resumed, with libvirt's message. */
    private List<String> resumeAll(List<String> domains) {
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        try {
            Concurrently.forEach(domains, domain -> {
                try {
                    if (libvirt.state(domain) == DomainState.PAUSED) {
                        libvirt.resume(domain);
                    }
                } catch (LibvirtException e) {
                    if (stillPaused(domain)) { // else resumed meanwhile (the watchdog and close can race)
                        problems.add(domain + " (" + e.getMessage() + ")");
                    }
                }
            });
        } catch (IOException | RuntimeException e) {
            problems.add(e.getMessage());
        }
        return List.copyOf(problems);
    }

    private boolean stillPaused(String domain) {
        try {
            return libvirt.state(domain) == DomainState.PAUSED;
        } catch (LibvirtException e) {
            return true;
        }
    }

    /** The pause's length: first suspend sent to last resume returned; null before {@link #close}. */
    Duration window() {
        return window;
    }

    /** Whether the watchdog had to resume the domains (the instant is then not common to the group). */
    boolean watchdogFired() {
        return fired.get();
    }

    /** Domains this pause suspended. */
    List<String> suspended() {
        return snapshot();
    }

    List<String> warnings() {
        synchronized (warnings) {
            return List.copyOf(warnings);
        }
    }

    /** Resumes every domain this pause suspended, at once; throws when one stays paused (named). */
    @Override
    public void close() throws IOException {
        if (window != null) {
            return;
        }
        boolean interrupted = Thread.interrupted(); // resume also on cancel
        try {
            List<String> failed = resumeAll(snapshot());
            window = Duration.ofNanos(System.nanoTime() - sent);
            if (failed.isEmpty()) {
                disarmed.countDown();
                guards.forEach(DeathGuard::disarm);
            } else {
                throw new IOException("could not resume " + failed + " (the pause watchdog tries again)");
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
