package coffer.cli;

import coffer.testing.Environment;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher records its start-up cache from {@code coffer dev train}: every step of that workload must
 * still run (a step broken by a changed option would silently shrink the cache and slow every command).
 */
class TrainCommandIT {

    @Test
    void everyStepOfTheTrainingWorkloadSucceeds() {
        Environment.requireCommand("qemu-img");
        Environment.requireCommand("qemu-nbd");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(new String[] {"dev", "train"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String report = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, report);
        List<String> steps = report.lines().filter(l -> l.startsWith("train: coffer ")).toList();
        assertEquals(18, steps.size(), report);
        for (String step : steps) {
            assertTrue(step.endsWith(": exit 0"), "a training step failed:\n" + report);
        }
        assertTrue(report.contains("qemu-img convert to qcow2: done"), report);
        assertTrue(report.contains("train: S3 requests to a loopback sink: done"), report);
        // the instance backup, the command a host runs most, is in the cache (docs/performance.md, session 12)
        assertTrue(report.contains("train: coffer backup (shut-off domain, libvirt test driver, json): exit 0"), report);
    }
}
