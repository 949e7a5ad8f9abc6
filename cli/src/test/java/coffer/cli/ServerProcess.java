package coffer.cli;

/** Runs the command line in a JVM of its own (tests start {@code coffer server} as a process to kill it). */
public final class ServerProcess {
    private ServerProcess() {
    }

    public static void main(String[] args) {
        System.exit(Cli.run(args, System.out, System.err));
    }
}
