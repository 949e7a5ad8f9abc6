package coffer.vault;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HostNameTest {
    /** The name {@code InetAddress.getLocalHost().getHostName()} gave before, where it resolves: gethostname(2)'s. */
    @Test
    void isTheNameTheKernelGivesAsUnameDoes() throws IOException, InterruptedException {
        Process uname = new ProcessBuilder("uname", "-n").redirectErrorStream(true).start();
        String expected = new String(uname.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, uname.waitFor());
        assertEquals(expected, HostName.get());
    }
}
