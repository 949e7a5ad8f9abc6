package coffer.cli;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A CLI run through a server ({@code --url} and {@code --token-file} added to the arguments), with the checks the
 * server tests make of a failure: its exit status and code, a remedy shown, and text the message must name. Immutable.
 */
record ServerCliRun(CliRun run) {
    static ServerCliRun run(String url, Path tokenFile, String... args) {
        return new ServerCliRun(CliRun.through(url, tokenFile, args));
    }

    CliRun ok() {
        return run.ok();
    }

    ServerCliRun fails(int exit, String code) {
        run.fails(exit, code);
        assertTrue(run.err().contains("what to do: "), "a remedy is shown: " + run.err());
        return this;
    }

    ServerCliRun errContains(String text) {
        assertTrue(run.err().contains(text), "expected '" + text + "' in: " + run.err());
        return this;
    }
}
