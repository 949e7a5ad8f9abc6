package coffer.app;

import coffer.cli.Cli;

/**
 * The runnable jar's entry point: the command line ({@link Cli}), which also starts the server
 * ({@code coffer server}: {@code coffer.server.CofferServer} assembles the catalog, vaults, jobs, scheduler and
 * API) and chooses, per command, whether its operation runs offline or through a server
 * (docs/design/operations.md).
 *
 * <p>Ctrl-C or SIGTERM interrupts the running command, which cancels its work and cleans up (temporary
 * objects, child processes) before the JVM exits.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Thread main = Thread.currentThread();
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        Thread hook = new Thread(() -> {
            if (finished.getCount() == 0) {
                return;
            }
            main.interrupt();
            try {
                finished.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "coffer-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int status = Cli.run(args, System.out, System.err);
        finished.countDown();
        System.out.flush();
        // with COFFER_TRACE: the end of the command's own work (its output written), before the JVM's exit
        new coffer.vault.trace.PhaseTrace().mark("output written, exiting");
        System.exit(status);
    }
}
