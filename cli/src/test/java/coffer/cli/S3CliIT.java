package coffer.cli;

import coffer.testing.S3Server;
import coffer.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line on a vault in a bucket of the test S3 server, named {@code s3://bucket/prefix}, reached
 * through {@code COFFER_S3_ENDPOINT} with credentials from the AWS environment variables: init, image backup
 * (full and incremental), list, restore bit-identical, verify, gc, stats, delete. Most commands run in-process
 * with the environment handed to them; the first and the failing ones run in a JVM of their own with a real
 * process environment, so everything they print (logs included) is checked: nothing shows the access key or the
 * secret, also when the secret is wrong.
 */
class S3CliIT {
    private static final Pattern POINT_ID = Pattern.compile("Point (\\d{8}-\\d{6}-[0-9a-f]{8})");
    @TempDir
    Path dir;

    private final List<String> everything = new ArrayList<>();

    private record Run(int exit, String output) {
    }

    /** The command in a JVM of its own, with exactly {@code env} (plus PATH and a HOME without ~/.aws). */
    private Run process(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ServerProcess.class.getName()));
        command.addAll(List.of(args));
        command.addAll(List.of("--keyring", dir.resolve("keyring.json").toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("COFFER_"));
        builder.environment().put("HOME", dir.toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES));
        Run run = new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        everything.add(run.output());
        return run;
    }

    /** The command in this JVM, reading its settings from {@code env}. */
    private CliRun cli(Map<String, String> env, String... args) {
        CliRun run = CliRun.run(dir.resolve("keyring.json"), env, args);
        everything.add(run.out() + run.err());
        return run;
    }

    @Test
    void anS3VaultWorksFromTheCommandLineAndNoOutputShowsTheCredentials() throws Exception {
        S3Server server = S3Server.shared();
        String bucket = server.newBucket();
        String vault = "s3://" + bucket + "/site-a/vault";
        Map<String, String> env = Map.of("COFFER_S3_ENDPOINT", server.endpoint().toString(),
                "AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY", S3Server.SECRET_ACCESS_KEY);

        Run init = process(env, "vault", "init", vault, "--chunk-size", "256K");
        assertEquals(0, init.exit(), init.output());
        assertTrue(init.output().contains("Created vault " + vault), init.output());
        cli(env, "vault", "init", vault).fails(2, "VaultExists");

        Path disk = dir.resolve("disk.raw");
        byte[] first = TestData.random(1, 6 * 256 * 1024 + 777);
        Files.write(disk, first);
        String one = pointId(cli(env, "image", "backup", "--vault", vault, "--name", "img", disk.toString()).ok());
        byte[] second = first.clone();
        System.arraycopy(TestData.random(2, 5000), 0, second, 300_000, 5000);
        Files.write(disk, second);
        String two = pointId(cli(env, "image", "backup", "--vault", vault, "--name", "img", disk.toString()).ok());
        CliRun show = cli(env, "point", "show", "--vault", vault, two, "--output", "json").ok();
        assertTrue(show.out().contains("\"newChunks\" : 1,"), "only the changed chunk is stored again: " + show.out());

        assertTrue(cli(env, "point", "list", "--vault", vault).ok().out().contains(one));
        for (var point : List.of(Map.entry(one, first), Map.entry(two, second))) {
            Path restored = dir.resolve("restored-" + point.getKey() + ".raw");
            cli(env, "image", "restore", "--vault", vault, point.getKey(), "--to", restored.toString()).ok();
            assertArrayEquals(point.getValue(), Files.readAllBytes(restored), "point " + point.getKey());
        }
        assertTrue(cli(env, "vault", "verify", "--vault", vault).ok().out().contains("No damage found."));
        cli(env, "point", "delete", "--vault", vault, one).ok();
        CliRun gc = cli(env, "vault", "gc", "--vault", vault, "--grace", "0s").ok();
        assertTrue(gc.out().contains("Removed 1 unreferenced chunk(s)"), gc.out());
        assertTrue(cli(env, "vault", "stats", "--vault", vault).ok().out().contains("Points:            1"));

        cli(env, "point", "list", "--vault", "s3://Bad_Bucket").fails(2, "InvalidArgument");
        Map<String, String> wrongSecret = Map.of("COFFER_S3_ENDPOINT", server.endpoint().toString(),
                "AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY", "wrong-" + S3Server.SECRET_ACCESS_KEY);
        Run denied = process(wrongSecret, "point", "list", "--vault", vault);
        assertEquals(1, denied.exit(), denied.output());
        assertTrue(denied.output().contains("[StorageFailure]") && denied.output().contains("403"), denied.output());
        Run none = process(Map.of("COFFER_S3_ENDPOINT", server.endpoint().toString()), "point", "list", "--vault", vault);
        assertTrue(none.output().contains("no S3 credentials"), none.output());

        for (String output : everything) {
            assertFalse(output.contains(S3Server.SECRET_ACCESS_KEY), "the secret in:\n" + output);
            assertFalse(output.contains(S3Server.ACCESS_KEY_ID), "the access key id in:\n" + output);
        }
    }

    private static String pointId(CliRun run) {
        Matcher m = POINT_ID.matcher(run.out());
        assertTrue(m.find(), run.out());
        return m.group(1);
    }
}
