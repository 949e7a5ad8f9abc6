package coffer.virt.libvirt;

import coffer.testing.Await;
import coffer.virt.process.UnarmedGuardProcessMain;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A {@link coffer.virt.process.DeathGuard#virshOnceUnarmed} guard, whose helper a backup starts during its preparation
 * and arms right before {@code backup-begin} (docs/performance.md, session 25): a process killed with SIGKILL before it
 * armed the guard leaves the domain as it is (the helper ends without running virsh); killed after, the helper runs
 * virsh as an armed {@code virshOnce} guard does. The command is {@code resume} of a paused domain, which shows
 * whether it ran.
 */
class UnarmedDeathGuardIT extends WithTestDomains {
    private static final Duration LIMIT = Duration.ofMinutes(1);

    @Test
    void aProcessKilledBeforeItArmedTheGuardLeavesTheDomainAsItIs() throws Exception {
        String name = domains.start("unarmed", 8, "qcow2");
        libvirt.suspend(name);
        UnarmedGuardProcessMain.Guarded guarded = UnarmedGuardProcessMain.start("unarmed", libvirt.uri(), "resume", name);
        assertEquals("watching before arm: false, now: false", guarded.line().replaceFirst("^helper \\d+ ", ""));
        guarded.process().destroyForcibly().waitFor();
        // the helper has ended: whatever it was going to do is done (one that acted would have run virsh before)
        Await.until(() -> ProcessHandle.of(guarded.helperPid()).map(p -> !p.isAlive()).orElse(true), LIMIT,
                () -> "the unarmed helper ended after its process was killed");
        assertEquals(DomainState.PAUSED, libvirt.state(name), "still paused: the guard was never armed");
        libvirt.resume(name);
    }

    @Test
    void aProcessKilledAfterItArmedTheGuardHasItsCommandRun() throws Exception {
        String name = domains.start("armed", 8, "qcow2");
        libvirt.suspend(name);
        UnarmedGuardProcessMain.Guarded guarded = UnarmedGuardProcessMain.start("armed", libvirt.uri(), "resume", name);
        assertEquals("watching before arm: false, now: true", guarded.line().replaceFirst("^helper \\d+ ", ""));
        guarded.process().destroyForcibly().waitFor();
        Await.until(() -> libvirt.state(name) == DomainState.RUNNING, LIMIT,
                () -> "the domain resumed after its process was killed");
    }
}
