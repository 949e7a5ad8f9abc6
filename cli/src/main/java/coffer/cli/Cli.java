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

    /**
     * The top-level commands by name, as their {@code @Command} annotations name them (a test checks): choosing the
     * one to build from here costs nothing, where reading the 28 annotations made an annotation proxy per class.
     */
    private static final Map<String, Class<?>> BY_NAME = Map.ofEntries(Map.entry("quickstart", QuickstartCommand.class),
            Map.entry("instance", InstanceCommand.class), Map.entry("backup", BackupCommand.class),
            Map.entry("restore", RestoreCommand.class), Map.entry("clone", CloneCommand.class),
            Map.entry("group", GroupCommand.class), Map.entry("vault", VaultCommand.class),
            Map.entry("image", ImageCommand.class), Map.entry("point", PointCommand.class),
            Map.entry("dev", DevCommand.class), Map.entry("server", ServerCommand.class),
            Map.entry("protection", ProtectionCommand.class), Map.entry("job", JobCommand.class),
            Map.entry("capacity", CapacityCommand.class), Map.entry("token", TokenCommand.class),
            Map.entry("catalog", CatalogCommand.class), Map.entry("policy", PolicyCommand.class),
            Map.entry("plan", PlanCommand.class), Map.entry("mount", MountCommand.class),
            Map.entry("unmount", MountCommand.Unmount.class), Map.entry("files", FilesCommand.class),
            Map.entry("export", ExportCommand.class), Map.entry("verify", VerifyCommand.class),
            Map.entry("drill", DrillCommand.class), Map.entry("alert", AlertCommand.class),
            Map.entry("reclaim", ReclaimCommand.class), Map.entry("agent", AgentCommand.class),
            Map.entry("region", RegionCommand.class));

    private static volatile PrintStream out = System.out;
    private static volatile PrintStream err = System.err;
    private static volatile Map<String, String> environment = System.getenv();

    /** The top-level commands, in help order. */
    static List<Class<?>> commands() {
        return COMMANDS;
    }

    /** The top-level commands by the names and aliases their annotations give. */
    static Map<String, Class<?>> commandsByName() {
        return BY_NAME;
    }

    /**
     * The top-level commands to build for {@code args}: the one named first, none for a lone {@code --version}
     * (it prints the version only), else all of them (help, errors and their suggestions list every name).
     */
    static List<Class<?>> toBuild(String[] args) {
        if (args.length == 0) {
            return COMMANDS;
        }
        Class<?> named = BY_NAME.get(args[0]);
        if (named != null) {
            return List.of(named);
        }
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return List.of();
        }
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
        List<Class<?>> commands = toBuild(args);
        String next = commands.size() == 1 && args.length > 1 ? args[1] : null;
        for (Class<?> command : commands) {
            CommandTree.add(line, command, next);
        }
        line.setOut(new java.io.PrintWriter(stdout, true));
        line.setErr(new java.io.PrintWriter(stderr, true));
        line.setParameterExceptionHandler((ex, a) -> {
            // picocli starts some messages with its own "Error: "; ours says "error [InvalidArgument]: " already
            String message = String.valueOf(ex.getMessage()).replaceFirst("^Error: ", "");
            if (List.of(a).contains("--output=json") || String.join(" ", a).contains("--output json")) {
                Map<String, Object> problem = new LinkedHashMap<>();
                problem.put("code", ErrorCode.InvalidArgument.name());
                problem.put("message", message);
                problem.put("remedy", ErrorCode.InvalidArgument.remedy());
                new Output(stdout).json(problem);
                return ErrorCode.InvalidArgument.exitCode();
            }
            stderr.println("error [" + ErrorCode.InvalidArgument + "]: " + message);
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
