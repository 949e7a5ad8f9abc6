package coffer.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the real command line in-process and captures what it prints. */
record CliRun(int exit, String out, String err) {

    /** Commands that only a server answers: they take no --keyring. */
    private static final List<String> SERVER_ONLY = List.of("protection", "job", "capacity", "token", "catalog", "policy",
            "plan", "group create", "group list", "group show", "group delete", "point retention");

    /**
     * Runs the command with {@code --keyring keyRing} added where the command opens a vault itself (offline: not
     * with {@code --url}, not on a command only a server answers).
     */
    static CliRun run(Path keyRing, String... args) {
        return run(keyRing, System.getenv(), args);
    }

    /**
     * Runs the command through the server at {@code url}: {@code --url url --token-file tokenFile} added to the
     * arguments (no key ring: a command through a server never opens a vault itself).
     */
    static CliRun through(String url, Path tokenFile, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", url, "--token-file", tokenFile.toString()));
        return run(null, all.toArray(String[]::new));
    }

    /** The same, with {@code env} as the environment the command reads its settings from. */
    static CliRun run(Path keyRing, java.util.Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        String command = args.length > 1 ? args[0] + " " + args[1] : args.length > 0 ? args[0] : "";
        boolean serverOnly = SERVER_ONLY.stream().anyMatch(c -> command.equals(c) || command.startsWith(c + " ")
                || args.length > 0 && c.equals(args[0]));
        if (!serverOnly && !all.contains("--url")) {
            all.add("--keyring");
            all.add(keyRing.toString());
        }
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
