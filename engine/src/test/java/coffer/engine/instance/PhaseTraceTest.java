package coffer.engine.instance;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

class PhaseTraceTest {
    @Test
    void theProcessAgeFromTheKernelIsTheJvmsUptimeToItsResolution() {
        long before = ManagementFactory.getRuntimeMXBean().getUptime();
        long age = PhaseTrace.processAgeNanos() / 1_000_000;
        long after = ManagementFactory.getRuntimeMXBean().getUptime();
        // the kernel counts from the exec of the JVM (a few ms before the JVM's own clock starts), in 10 ms ticks
        assertTrue(age >= before - 20 && age <= after + 200, "process age " + age + " ms, JVM uptime " + before
                + "-" + after + " ms");
    }
}
