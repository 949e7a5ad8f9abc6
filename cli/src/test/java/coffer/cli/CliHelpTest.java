package coffer.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What docs/cli.md promises of every command's options: {@code --help} everywhere, and the documented option forms. */
class CliHelpTest {

    /** "Every command accepts --help" (docs/cli.md): the hidden dev commands too, required options or not. */
    @Test
    void everyCommandAnswersHelpWithExitZero() {
        List<String> failures = new ArrayList<>();
        for (List<String> path : commandPaths()) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = Cli.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
            String help = out.toString(StandardCharsets.UTF_8);
            if (exit != 0 || !help.startsWith("Usage: coffer " + String.join(" ", path))) {
                failures.add(String.join(" ", path) + ": exit " + exit + " " + err.toString(StandardCharsets.UTF_8).strip());
            }
        }
        assertTrue(failures.isEmpty(), "--help refused: " + failures);
        assertTrue(commandPaths().contains(List.of("dev", "make-image")), "the hidden dev commands are checked too");
    }

    /** A remedy that names a command ({@code 'coffer point list'}) names one that exists (docs/design/errors.md). */
    @Test
    void everyCommandARemedyNamesExists() {
        List<List<String>> commands = commandPaths();
        java.util.regex.Pattern named = java.util.regex.Pattern.compile("'coffer ([a-z][a-z -]*)");
        List<String> unknown = new ArrayList<>();
        for (coffer.engine.error.ErrorCode code : coffer.engine.error.ErrorCode.values()) {
            java.util.regex.Matcher m = named.matcher(code.remedy());
            while (m.find()) {
                List<String> words = new ArrayList<>();
                for (String word : m.group(1).strip().split(" +")) {
                    if (word.startsWith("-") || !commands.contains(append(words, word))) {
                        break;
                    }
                    words.add(word);
                }
                if (words.isEmpty() || !m.group(1).strip().equals(String.join(" ", words))
                        && !m.group(1).strip().startsWith(String.join(" ", words) + " -")) {
                    unknown.add(code + ": 'coffer " + m.group(1).strip() + "'");
                }
            }
        }
        assertTrue(unknown.isEmpty(), "remedies naming no command: " + unknown);
    }

    private static List<String> append(List<String> words, String word) {
        List<String> next = new ArrayList<>(words);
        next.add(word);
        return next;
    }

    /** docs/cli.md: {@code instance list --protected true|false}; a bare {@code --protected} still means true. */
    @Test
    void protectedTakesTrueOrFalse() {
        assertEquals(Boolean.FALSE, protectedValue("instance", "list", "--protected", "false"));
        assertEquals(Boolean.TRUE, protectedValue("instance", "list", "--protected", "true"));
        assertEquals(Boolean.TRUE, protectedValue("instance", "list", "--protected"));
        assertEquals(Boolean.FALSE, protectedValue("instance", "overview", "--protected", "false"));
    }

    private static Object protectedValue(String... args) {
        CommandLine.ParseResult parsed = tree().parseArgs(args);
        while (parsed.hasSubcommand()) {
            parsed = parsed.subcommand();
        }
        return parsed.matchedOptionValue("--protected", null);
    }

    private static CommandLine tree() {
        CommandLine root = new CommandLine(new Cli());
        for (Class<?> command : Cli.commands()) {
            CommandTree.add(root, command, null);
        }
        return root;
    }

    private static List<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        collect(tree(), new ArrayList<>(), paths);
        return paths;
    }

    private static void collect(CommandLine line, List<String> path, List<List<String>> paths) {
        for (var sub : line.getSubcommands().entrySet()) {
            List<String> next = new ArrayList<>(path);
            next.add(sub.getKey());
            paths.add(next);
            collect(sub.getValue(), next, paths);
        }
    }
}
