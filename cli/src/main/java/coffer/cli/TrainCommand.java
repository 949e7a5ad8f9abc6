package coffer.cli;

import coffer.vault.fs.FileTree;
import coffer.virt.domain.TestDriverDomain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code coffer dev train}: the workload the launcher runs once per build to record the JVM's ahead-of-time
 * cache ({@code -XX:AOTCacheOutput}, JEP 483/514/515): the classes, linked call sites and method profiles of
 * the commands people run, so that every later {@code coffer} command starts with them loaded and profiled.
 *
 * <p>It runs real commands in this JVM on throwaway data in a temporary directory: a small encrypted vault,
 * image backups (full and incremental, raw and, where {@code qemu-img} exists, qcow2 read through qemu-nbd
 * and the NBD client), restores, listings, verify, the S3 backend's requests ({@link S3TrainingRequests}), and an
 * instance listing over libvirt's built-in test
 * driver ({@code test:///default}, no daemon needed), and instance backups of a shut-off domain of that driver. A step that cannot run here (no qemu-img, no libvirt
 * library) is skipped: the cache is then smaller, never wrong. Prints the steps and their status; exits 0
 * unless the temporary directory cannot be made.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Run the start-up training workload (used by the launcher to build its AOT cache).")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--without-s3", description = "Leave out the S3 requests (the launcher's cache for local commands).")
    boolean withoutS3;

    @Override
    public Integer call() throws IOException {
        PrintStream report = Cli.err();
        Path dir = Files.createTempDirectory("coffer-train");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try {
            String vault = dir.resolve("vault").toString();
            String keyring = dir.resolve("keyring.json").toString();
            String raw = dir.resolve("disk.raw").toString();
            String qcow2 = dir.resolve("disk.qcow2").toString();
            run(report, quiet, "vault", "init", vault, "--keyring", keyring);
            run(report, quiet, "dev", "make-image", "--size", "48M", "--seed", "5", raw);
            run(report, quiet, "image", "backup", raw, "--name", "train", "--vault", vault, "--keyring", keyring);
            run(report, quiet, "dev", "scatter", "--fraction", "0.05", raw);
            run(report, quiet, "image", "backup", raw, "--name", "train", "--vault", vault, "--keyring", keyring,
                    "--output", "json");
            boolean qemuImg = convert(raw, qcow2);
            report.printf("train: qemu-img convert to qcow2: %s%n", qemuImg ? "done" : "not available, skipped");
            if (qemuImg) {
                run(report, quiet, "image", "backup", qcow2, "--name", "train-qcow2", "--vault", vault,
                        "--keyring", keyring);
                instanceBackups(report, quiet, dir, qcow2, vault, keyring);
            }
            run(report, quiet, "point", "list", "--vault", vault, "--keyring", keyring);
            run(report, quiet, "point", "list", "--vault", vault, "--keyring", keyring, "--output", "json");
            run(report, quiet, "point", "show", "train", "--vault", vault, "--keyring", keyring);
            run(report, quiet, "image", "restore", "train", "--to", dir.resolve("restored.raw").toString(),
                    "--vault", vault, "--keyring", keyring);
            if (qemuImg) {
                run(report, quiet, "image", "restore", "train", "--to", dir.resolve("restored.qcow2").toString(),
                        "--format", "qcow2", "--vault", vault, "--keyring", keyring);
            }
            run(report, quiet, "vault", "verify", "--vault", vault, "--keyring", keyring);
            if (withoutS3) {
                report.printf("train: S3 requests to a loopback sink: left out (--without-s3)%n");
            } else {
                try {
                    S3TrainingRequests.run();
                    report.printf("train: S3 requests to a loopback sink: done%n");
                } catch (IOException | RuntimeException e) {
                    report.printf("train: S3 requests to a loopback sink: failed (%s)%n", e.getMessage());
                }
            }
            run(report, quiet, "vault", "stats", "--vault", vault, "--keyring", keyring);
            run(report, quiet, "instance", "list", "--connect", "test:///default");
            run(report, quiet, "instance", "list", "--connect", "test:///default", "--output", "json");
            run(report, quiet, "backup", "--help");
            return 0;
        } finally {
            FileTree.delete(dir);
        }
    }

    private static void run(PrintStream report, PrintStream quiet, String... args) {
        int status = Cli.run(args, quiet, quiet);
        report.printf("train: coffer %s %s: exit %d%n", args[0], args[1], status);
    }

    /**
     * {@code coffer backup} of an instance, the command a host runs most (docs/performance.md, session 12: an
     * incremental started with a cache that had never seen it used ~0.35 s more CPU): a shut-off domain of
     * libvirt's test driver (a node file, no daemon) whose disk is the training's qcow2. It runs the command, the
     * offline operation, the planning, the libvirt calls and the disk's read through qemu-nbd, in a runtime
     * directory of its own; only the pull-mode export of a running domain is not reached (no QEMU here).
     */
    private static void instanceBackups(PrintStream report, PrintStream quiet, Path dir, String qcow2, String vault,
                                        String keyring) throws IOException {
        String uri = TestDriverDomain.of("coffer-train", "6f1c2a8e-3c1d-4e55-9a53-0c0ffe700001", Path.of(qcow2))
                .shutOff().writeNode(dir.resolve("node.xml"));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("COFFER_RUNTIME_DIR", dir.resolve("run").toString());
        for (String output : List.of("json", "text")) {
            int status = Cli.run(new String[] {"backup", "coffer-train", "--connect", uri, "--vault", vault,
                    "--keyring", keyring, "--output", output}, quiet, quiet, env);
            report.printf("train: coffer backup (shut-off domain, libvirt test driver, %s): exit %d%n", output, status);
        }
    }

    private static boolean convert(String raw, String qcow2) {
        try {
            Process process = new ProcessBuilder("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, qcow2)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
