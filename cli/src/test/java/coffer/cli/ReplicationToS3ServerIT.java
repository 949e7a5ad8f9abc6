package coffer.cli;

import coffer.testing.Await;
import coffer.testing.S3Server;
import coffer.testing.ThrottledProxy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static coffer.testing.TestData.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replication into a region whose vault is an S3 bucket (the test s3proxy), end to end through a {@code coffer server}
 * process and the CLI (docs/design/replication.md): region {@code west} holds the domain's host and an encrypted
 * directory vault, region {@code east} an encrypted vault in a bucket and a host of its own (this machine's libvirtd
 * under a second URI). On a real no-OS domain with 128 MiB of random data:
 * <ul>
 * <li>a running replication cancelled through the server ends {@code cancelled} with {@code Cancelled}, the point shows
 * it FAILED (not retried), and the bucket holds no replica (offline list, verify clean);</li>
 * <li>the server killed with SIGKILL mid-replication: after a restart the job is {@code failed} ({@code WorkerLost}),
 * the point's replication FAILED with {@code WorkerLost}, the bucket holds no replica and verifies clean;</li>
 * <li>the next request completes, and sends less than the whole point (the chunks the killed run stored are found);</li>
 * <li>an incremental backup with {@code --replicate-to east} is replicated from the first replica, moving about the
 * changed MiB; both replicas restore bit for bit (disk restores) and one as a new instance on east's host (a disaster
 * recovery), each disk compared with the domain's at its point.</li>
 * </ul>
 */
class ReplicationToS3ServerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SIZE_MB = 128;

    @TempDir Path dir;
    @RegisterExtension final LibvirtTestResources resources = new LibvirtTestResources();
    String url;
    Path tokenFile;
    Process server;

    @Test
    void replicasInAnS3RegionSurviveCancelAndKillAndRestoreThere() throws Exception {
        String domain = resources.domain(dir, "coffer-rs3-", "--raw", "--size-mb", String.valueOf(SIZE_MB));
        S3Server s3 = S3Server.shared();
        String bucket = s3.newBucket();
        // the server uploads through a proxy held to 8 MB/s in all (~17 s for the point), so a replication runs long
        // enough to be cancelled and killed on a quiet machine too (unthrottled it can end within a second, before the
        // CLI's cancel arrives)
        ThrottledProxy slowUploads = resources.closeLater(ThrottledProxy.in(s3.endpoint(), 8_000_000));
        Path disk = dir.resolve(domain + "-vda.raw");
        coffer.testing.TestData.overwriteRandom(disk, (long) SIZE_MB << 20, 24);
        String fullSha = sha256(disk);

        Path data = dir.resolve("data");
        Path secret = dir.resolve("s3.secret");
        Files.writeString(secret, S3Server.SECRET_ACCESS_KEY);
        Path eastKeyring = data.resolve("east-keyring");
        String eastVault = "s3://" + bucket + "/east";
        Path configFile = dir.resolve("server.yaml");
        Files.writeString(configFile, String.join("\n",
                "dataDir: " + data,
                "listen: {address: 127.0.0.1, port: 0}",
                "vaults:",
                "  - {name: west-vault, path: " + data.resolve("west-vault") + ", keyring: " + data.resolve("west-keyring")
                        + ", encrypted: true, region: west}",
                "  - name: east-vault",
                "    path: " + eastVault,
                "    keyring: " + eastKeyring,
                "    encrypted: true",
                "    region: east",
                "    s3: {endpoint: \"" + slowUploads.endpoint() + "\", region: us-east-1, accessKeyId: " + S3Server.ACCESS_KEY_ID
                        + ", secretAccessKeyFile: " + secret + "}",
                "hosts:",
                "  - {id: east-1, uri: \"qemu+unix:///system\", region: east}",
                "  - {id: west-1, uri: \"qemu:///system\", region: west}",
                ""));
        startServer(configFile);
        tokenFile = data.resolve("admin.token");
        Map<String, String> s3Env = Map.of("COFFER_S3_ENDPOINT", s3.endpoint().toString(),
                "AWS_ACCESS_KEY_ID", S3Server.ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY", S3Server.SECRET_ACCESS_KEY);

        cli("protection", "add", domain, "--target-vault", "west-vault").ok();
        String p1 = json(cli("backup", domain, "--wait", "--output", "json").ok()).path("point").asText();

        // a running replication cancelled through the server: no replica at the destination, FAILED with Cancelled
        String cancelled = replicationCaughtRunning(p1);
        JsonNode ended = json(cli("job", "cancel", cancelled, "--wait", "--output", "json").ok());
        assertEquals("cancelled", ended.path("state").asText(), ended.toString());
        assertEquals("Cancelled", ended.path("error").path("code").asText(), ended.toString());
        JsonNode status = replicationOf(p1);
        assertEquals("FAILED", status.path("state").asText(), status.toString());
        assertEquals("Cancelled", status.path("errorCode").asText(), status.toString());
        assertNoReplicaIn(eastVault, eastKeyring, s3Env);

        // the server killed mid-replication: after its restart the job failed (WorkerLost), nothing was published
        String killed = replicationCaughtRunning(p1);
        server.destroyForcibly();
        assertTrue(server.waitFor(30, TimeUnit.SECONDS));
        assertNoReplicaIn(eastVault, eastKeyring, s3Env);
        startServer(configFile);
        JsonNode lost = json(cli("job", "show", killed, "--output", "json").ok());
        assertEquals("failed", lost.path("state").asText(), lost.toString());
        assertEquals("WorkerLost", lost.path("error").path("code").asText(), lost.toString());
        GuestServer.await(() -> replicationOf(p1).path("errorCode").asText().equals("WorkerLost"),
                "the killed replication is FAILED");
        assertEquals(0, json(cli("point", "list", "--region", "east", "--output", "json").ok()).path("count").asInt());

        // the next request completes; the chunks the killed run stored are found there, not sent again
        String retry = json(cli("point", "replicate", p1, "--to", "east", "--output", "json").ok()).path("id").asText();
        JsonNode done = awaitEnd(retry);
        assertEquals("succeeded", done.path("state").asText(), done.toString());
        String r1 = done.path("result").path("replica").asText();
        System.out.println("replication of the full point after a cancel and a kill: " + done.path("result"));
        assertEquals(r1, replicationOf(p1).path("replica").asText());
        assertEquals("east", json(cli("point", "show", r1, "--output", "json").ok()).path("region").asText());

        // an incremental backup replicated from the first replica: about the changed 2 MiB move
        assertTrue(ServerCliIT.run("virsh", "-c", "qemu:///system", "qemu-monitor-command", domain, "--hmp",
                "qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend \"write -P 0x5a 8M 2M\"").startsWith("ok"));
        String incrementalSha = sha256(disk);
        String p2 = json(cli("backup", domain, "--replicate-to", "east", "--wait", "--output", "json").ok())
                .path("point").asText();
        GuestServer.await(() -> replicationOf(p2).path("state").asText().equals("DONE"), "the incremental is replicated");
        String r2 = replicationOf(p2).path("replica").asText();
        JsonNode second = json(cli("job", "show", replicationOf(p2).path("job").asText(), "--output", "json").ok())
                .path("result");
        System.out.println("replication of the incremental point: " + second);
        assertEquals(r1, second.path("base").asText(), second.toString());
        assertTrue(second.path("bytesMoved").asLong() < 8L << 20, "only the changed chunks move: " + second);
        // what the full point moved depends on how far the killed run got; what it read from the source does not
        assertTrue(done.path("result").path("bytesRead").asLong() > second.path("bytesRead").asLong(),
                "a full point reads more of the source than an incremental: " + done.path("result") + " " + second);

        // the bucket verifies clean offline; both replicas restore bit for bit; one as a new instance in east
        assertTrue(CliRun.run(eastKeyring, s3Env, "vault", "verify", "--vault", eastVault).ok().out()
                .contains("No damage found."));
        Path restores = coffer.server.config.ServerConfig.defaultRestoreDirectory(data);
        for (var replica : List.of(Map.entry(r1, fullSha), Map.entry(r2, incrementalSha))) {
            Path to = restores.resolve(replica.getKey() + ".raw");
            json(cli("restore", "disk", replica.getKey(), "vda", "--to", to.toString(), "--format", "raw", "--wait",
                    "--output", "json").ok());
            assertEquals(replica.getValue(), sha256(to), "replica " + replica.getKey() + " restores bit for bit");
        }
        String dr = resources.restored(domain + "-dr");
        JsonNode recovered = json(cli("restore", "instance", p2, "--region", "east", "--name", dr, "--format", "raw",
                "--dir", restores.toString(), "--no-network", "--wait", "--output", "json").ok());
        assertEquals(incrementalSha, sha256(Path.of(recovered.path("disks").path("vda").asText())),
                "the disaster recovery in east restores the incremental replica: " + recovered);
        // offline, a replication is refused, naming the server and the vault-to-vault copy (docs/design/replication.md)
        CliRun offline = CliRun.run(data.resolve("west-keyring"), s3Env, "point", "replicate", p1, "--to", "east",
                "--vault", data.resolve("west-vault").toString()).fails(2, "InvalidArgument");
        assertTrue(offline.err().contains("replication needs a server") && offline.err().contains("coffer dev replicate"),
                offline.err());
        JsonNode restoreJobs = json(cli("job", "list", "--region", "east", "--type", "restore_instance", "--output", "json").ok());
        assertEquals(1, restoreJobs.path("count").asInt(), restoreJobs.toString());
    }

    /** Queues the replication of {@code point} to east and returns its job once it runs and has copied data. */
    private String replicationCaughtRunning(String point) throws Exception {
        String job = json(cli("point", "replicate", point, "--to", "east", "--output", "json").ok()).path("id").asText();
        Await.until(() -> {
            JsonNode j = json(cli("job", "show", job, "--output", "json").ok());
            assertTrue(List.of("queued", "running").contains(j.path("state").asText()),
                    "the replication to interrupt ended before it could be: " + j);
            return j.path("state").asText().equals("running") && j.path("progress").path("bytesDone").asLong() > 0;
        }, Duration.ofMinutes(2), Duration.ofMillis(20), () -> "replication job " + job + " to run and copy data");
        return job;
    }

    private void assertNoReplicaIn(String vault, Path keyring, Map<String, String> env) {
        CliRun listed = CliRun.run(keyring, env, "point", "list", "--vault", vault, "--output", "json").ok();
        assertEquals(0, count(listed), "no replica in " + vault + ": " + listed.out());
        assertTrue(CliRun.run(keyring, env, "vault", "verify", "--vault", vault).ok().out().contains("No damage found."));
    }

    private static int count(CliRun run) {
        try {
            return JSON.readTree(run.out()).path("count").asInt();
        } catch (Exception e) {
            throw new AssertionError(run.out(), e);
        }
    }

    private JsonNode replicationOf(String point) {
        try {
            JsonNode replications = json(cli("point", "show", point, "--output", "json").ok()).path("replications");
            return replications.isEmpty() ? JSON.createObjectNode() : replications.get(0);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private JsonNode awaitEnd(String job) throws Exception {
        java.util.concurrent.atomic.AtomicReference<JsonNode> last = new java.util.concurrent.atomic.AtomicReference<>();
        return Await.value(() -> {
            JsonNode j = json(cli("job", "show", job, "--output", "json").ok());
            last.set(j);
            return Optional.of(j).filter(shown -> coffer.engine.job.JobState.valueOf(shown.path("state").asText()).isFinal());
        }, Duration.ofMinutes(3), () -> "job " + job + " to end: " + last.get());
    }

    private void startServer(Path configFile) throws Exception {
        ServerProcess.Running running = ServerProcess.start(configFile);
        server = resources.closeLater(running).process();
        url = running.url();
    }

    private ServerCliRun cli(String... args) {
        return ServerCliRun.run(url, tokenFile, args);
    }

    private static JsonNode json(CliRun run) throws Exception {
        return JSON.readTree(run.out());
    }
}
