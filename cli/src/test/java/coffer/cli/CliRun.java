package coffer.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the real command line in-process and captures what it prints. */
record CliRun(int exit, String out, String err) {

    static CliRun run(Path keyRing, String... args) {
        return run(keyRing, System.getenv(), args);
    }

    /** The same, with {@code env} as the environment the command reads its settings from. */
    static CliRun run(Path keyRing, java.util.Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--keyring");
        all.add(keyRing.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    CliRun ok() {
        if (exit != 0) {
            throw new AssertionError("expected success, got exit " + exit + "\nstdout: " + out + "\nstderr: " + err);
        }
        return this;
    }

    CliRun fails(int expectedExit, String code) {
        if (exit != expectedExit || !err.contains("[" + code + "]")) {
            throw new AssertionError("expected exit " + expectedExit + " with [" + code + "], got exit " + exit
                    + "\nstdout: " + out + "\nstderr: " + err);
        }
        return this;
    }
}
