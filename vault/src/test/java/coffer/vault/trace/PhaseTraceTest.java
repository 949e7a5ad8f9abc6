package coffer.vault.trace;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

class PhaseTraceTest {
    @Test
    void theProcessAgeFromTheKernelIsTheJvmsUptimeToItsResolution() {
        long before = ManagementFactory.getRuntimeMXBean().getUptime();
        long age = PhaseTrace.processAgeNanos() / 1_000_000;
        long after = ManagementFactory.getRuntimeMXBean().getUptime();
        // the kernel counts from the exec of the JVM, before the JVM's own clock starts: a few ms on a quiet machine,
        // up to ~300 ms seen on a loaded one (load average 30), in 10 ms ticks; a wrong clock or unit is off by far more
        assertTrue(age >= before - 20 && age <= after + 2_000, "process age " + age + " ms, JVM uptime " + before
                + "-" + after + " ms");
    }
}
