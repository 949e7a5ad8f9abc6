package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code coffer} command line. Errors are mapped here, once: the stable code, the message and the
 * remedy on stderr (or a problem object with {@code --output json}), and the code's exit status
 * (docs/cli.md lists them).
 */
@Command(name = "coffer", mixinStandardHelpOptions = true, version = "coffer 0.1.0",
        description = "Backup of whole virtual machines on KVM/libvirt hosts.")
public final class Cli {
    /**
     * The top-level commands, in help order. Only the one named on the command line is built: picocli
     * reflects over a command's whole tree when it is added (its classes are too old a format for the
     * JVM's start-up cache), which cost ~0.3 s per run for the full tree. Help and unknown names build all.
     */
    private static final List<Class<?>> COMMANDS = List.of(QuickstartCommand.class, InstanceCommand.class,
            BackupCommand.class, RestoreCommand.class, CloneCommand.class, GroupCommand.class, VaultCommand.class,
            ImageCommand.class, PointCommand.class, DevCommand.class, ServerCommand.class, ProtectionCommand.class,
            JobCommand.class, CapacityCommand.class, TokenCommand.class, CatalogCommand.class, PolicyCommand.class,
            PlanCommand.class, MountCommand.class, MountCommand.Unmount.class, FilesCommand.class, ExportCommand.class,
            VerifyCommand.class, DrillCommand.class, AlertCommand.class, ReclaimCommand.class,
            AgentCommand.class, RegionCommand.class);

    private static volatile PrintStream out = System.out;
    private static volatile PrintStream err = System.err;
    private static volatile Map<String, String> environment = System.getenv();

    /** The top-level commands, in help order. */
    static List<Class<?>> commands() {
        return COMMANDS;
    }

    static Output out() {
        return new Output(out);
    }

    static PrintStream err() {
        return err;
    }

    /** The environment variables the run reads settings from (the process's, unless a test gave others). */
    static Map<String, String> environment() {
        return environment;
    }

    /** Runs the command line and returns the exit status; output goes to the given streams. */
    public static int run(String[] args, PrintStream stdout, PrintStream stderr) {
        return run(args, stdout, stderr, System.getenv());
    }

    /** {@link #run(String[], PrintStream, PrintStream)} reading settings from {@code env} instead of the process's environment. */
    static int run(String[] args, PrintStream stdout, PrintStream stderr, Map<String, String> env) {
        out = stdout;
        err = stderr;
        environment = Map.copyOf(env);
        CommandLine line = new CommandLine(new Cli());
        String first = args.length == 0 ? "" : args[0];
        List<Class<?>> named = COMMANDS.stream().filter(c -> c.getAnnotation(Command.class).name().equals(first)).toList();
        for (Class<?> command : named.isEmpty() ? COMMANDS : named) {
            line.addSubcommand(command);
        }
        line.setOut(new java.io.PrintWriter(stdout, true));
        line.setErr(new java.io.PrintWriter(stderr, true));
        line.setParameterExceptionHandler((ex, a) -> {
            stderr.println("error [" + ErrorCode.InvalidArgument + "]: " + ex.getMessage());
            stderr.println("  what to do: " + ErrorCode.InvalidArgument.remedy());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, stderr);
            stderr.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ErrorCode.InvalidArgument.exitCode();
        });
        line.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            CofferException failure = Errors.classify(ex);
            boolean json = parsed.originalArgs().contains("--output=json")
                    || String.join(" ", parsed.originalArgs()).contains("--output json");
            if (json) {
                Map<String, Object> problem = new LinkedHashMap<>();
                problem.put("code", failure.code().name());
                problem.put("message", failure.getMessage());
                problem.put("remedy", failure.code().remedy());
                new Output(stdout).json(problem);
            } else {
                stderr.println("error [" + failure.code() + "]: " + failure.getMessage());
                stderr.println("  what to do: " + failure.code().remedy());
            }
            if (failure.code() == ErrorCode.Internal) {
                ex.printStackTrace(stderr);
            }
            return failure.code().exitCode();
        });
        return line.execute(args);
    }
}
