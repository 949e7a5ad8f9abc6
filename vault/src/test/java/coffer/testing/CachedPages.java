package coffer.testing;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How many of a file's pages the page cache holds, by {@code fincore} (util-linux; tests require the command first). */
public final class CachedPages {
    private CachedPages() {
    }

    public static long of(Path file) throws Exception {
        Process process = new ProcessBuilder("fincore", "--bytes", "--noheadings", "--output", "PAGES", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        assertEquals(0, process.waitFor(), output);
        return Long.parseLong(output);
    }
}
