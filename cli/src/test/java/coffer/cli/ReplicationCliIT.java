package coffer.cli;

import coffer.engine.catalog.TestDatabase;
import coffer.engine.vault.VaultLocation;
import coffer.server.CofferServer;
import coffer.server.config.ServerConfig;
import coffer.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replication and disaster recovery through a real server and the CLI (docs/design/replication.md), on a real 16 MiB
 * libvirt domain: two regions, {@code west} (the domain's host and an encrypted directory vault) and {@code east} (its
 * own host and an encrypted directory vault with its own key ring), and {@code north}, a region with a vault and no
 * host. A policy whose replication rule names east queues, after its plan's backup, a replication job; the point
 * shows its replica; a manual incremental backup with {@code --replicate-to} is replicated from the first replica
 * (only the changed chunks move); the replicas restore in east, as new instances on east's host, bit for bit
 * (checksums of the disk the domain had at each point); every error state has its code: an unknown region, no
 * destination, a vault of another region, a replication done already, a point with no replica in the region, a
 * region with no host; policies of a region, listed by region; a clone into east in one job (backup, replication, restore from the replica there).
 *
 * <p>Both "hosts" are this machine's libvirtd (one machine here), named by two URIs ({@code qemu:///system} in west,
 * {@code qemu+unix:///system} in east) so the catalog holds two hosts; the start's discovery reads east, then west,
 * so the domain is west's. A plan of an east policy for it is PolicyRegionMismatch; each job is in its host's region.
 */
class ReplicationCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SIZE_MB = 16;

    @TempDir Path dir;
    @RegisterExtension final LibvirtTestResources resources = new LibvirtTestResources();
    String domain;
    Path tokenFile;
    String url;

    @Test
    void aPolicysReplicationRuleReplicatesEachBackupAndTheReplicasRestoreInTheOtherRegion() throws Exception {
        domain = resources.domain(dir, "coffer-repl-", "--size-mb", String.valueOf(SIZE_MB));
        TestDatabase db = resources.closeLater(TestDatabase.sqlite(dir));
        guestWrites(0x5a, "1M", "3M");
        byte[] disk = new byte[SIZE_MB << 20];
        write(disk, 0x5a, 1 << 20, 3 << 20);

        Path data = dir.resolve("data");
        ServerConfig config = new ServerConfig(data, "127.0.0.1", 0, null, db.config(), List.of(
                new ServerConfig.VaultEntry("west-vault", VaultLocation.directory(data.resolve("west-vault")),
                        data.resolve("west-keyring"), true, "west"),
                new ServerConfig.VaultEntry("east-vault", VaultLocation.directory(data.resolve("east-vault")),
                        data.resolve("east-keyring"), true, "east"),
                new ServerConfig.VaultEntry("north-vault", VaultLocation.directory(data.resolve("north-vault")),
                        data.resolve("east-keyring"), true, "north")),
                List.of(new ServerConfig.HostEntry("east-1", "qemu+unix:///system", "east"),
                        new ServerConfig.HostEntry("west-1", "qemu:///system", "west")),
                ServerConfig.Limits.DEFAULT);
        CofferServer server = CofferServer.start(config);
        resources.closeLater(server);
        url = server.url();
        tokenFile = config.adminTokenFile();

        // the regions as configured: each one's vaults (its default first) and hosts, in the configuration's order
        JsonNode regions = json(cli("region", "list", "--output", "json").ok());
        assertEquals("[{\"name\":\"west\",\"vaults\":[\"west-vault\"],\"defaultVault\":\"west-vault\",\"hosts\":[\"west-1\"]},"
                + "{\"name\":\"east\",\"vaults\":[\"east-vault\"],\"defaultVault\":\"east-vault\",\"hosts\":[\"east-1\"]},"
                + "{\"name\":\"north\",\"vaults\":[\"north-vault\"],\"defaultVault\":\"north-vault\",\"hosts\":[]}]",
                regions.path("regions").toString());
        String table = cli("region", "list").ok().out();
        assertTrue(table.contains("north") && table.lines().anyMatch(l -> l.startsWith("east") && l.contains("east-vault")
                && l.endsWith("east-1")), table);

        // a replication rule names a configured region, and a vault of it
        cli("policy", "create", "bad", "--every", "1d", "--keep", "7d", "--replicate-to", "mars/east-vault",
                "--replica-keep", "30d").fails(4, "UnknownRegion").errContains("no region 'mars'");
        cli("policy", "create", "bad", "--every", "1d", "--keep", "7d", "--replicate-to", "east/west-vault",
                "--replica-keep", "30d").fails(2, "InvalidArgument").errContains("vault west-vault is in region west");
        cli("policy", "create", "dr", "--every", "1d", "--keep", "7d", "--replicate-to", "east/east-vault",
                "--replica-keep", "30d").ok();
        cli("policy", "create", "bad", "--every", "1d", "--keep", "7d", "--region", "mars").fails(4, "UnknownRegion");
        cli("policy", "create", "east-daily", "--every", "1d", "--keep", "7d", "--region", "east").ok();
        assertEquals("west", json(cli("policy", "show", "dr", "--output", "json").ok()).path("region").asText(),
                "a policy is of the server's first region unless it names one");
        assertEquals(List.of("dr"), names(json(cli("policy", "list", "--region", "west", "--output", "json").ok())));
        assertEquals(List.of("east-daily"), names(api("GET", "/api/v1/policies?region=east", null, 200)));
        cli("policy", "edit", "dr", "--region", "east").fails(2, "InvalidArgument").errContains("fixed when it was created");
        cli("plan", "bind", "east-daily", domain, "--name", "web-east").fails(2, "PolicyRegionMismatch")
                .errContains("policy east-daily is a policy of region east").errContains("of region west");
        cli("plan", "bind", "dr", domain, "--name", "web-dr").ok();
        cli("plan", "edit", "web-dr", "--policy", "east-daily").fails(2, "PolicyRegionMismatch");

        // the plan's backup queues the replication its policy asks for; the point shows the replica when it is done
        JsonNode full = json(cli("plan", "run", "web-dr", "--wait", "--output", "json").ok());
        String p1 = full.path("point").asText();
        JsonNode replication1 = awaitReplication(p1);
        assertEquals("succeeded", replication1.path("state").asText(), replication1.toString());
        JsonNode result1 = replication1.path("result");
        String r1 = result1.path("replica").asText();
        assertEquals("east", result1.path("region").asText());
        assertEquals("east-vault", result1.path("vault").asText());
        assertTrue(result1.path("chunksCopied").asLong() > 0 && result1.path("bytesMoved").asLong() > 0, result1.toString());
        assertTrue(!replication1.path("params").path("policy").asText().isEmpty(), "a policy's replication: " + replication1);
        JsonNode shown1 = json(cli("point", "show", p1, "--output", "json").ok());
        assertEquals("west", shown1.path("region").asText(), shown1.toString());
        JsonNode status = shown1.path("replications").get(0);
        assertEquals("DONE", status.path("state").asText(), shown1.toString());
        assertEquals(r1, status.path("replica").asText());
        assertEquals("east", status.path("region").asText());
        assertTrue(cli("point", "show", p1).ok().out().contains("Replication to east/east-vault: DONE, replica " + r1));
        JsonNode replica1 = json(cli("point", "show", r1, "--output", "json").ok());
        assertEquals("east", replica1.path("region").asText(), replica1.toString());
        assertEquals(p1, replica1.path("replicaOf").path("point").asText(), replica1.toString());
        assertEquals("west-vault", replica1.path("replicaOf").path("vault").asText());
        Instant expires = Instant.parse(replica1.path("expiresAt").asText());
        Instant taken = Instant.parse(shown1.path("createdAt").asText());
        assertEquals(Duration.ofDays(30).toDays(), Duration.between(taken, expires).toDays(), "the rule's replica retention");

        // an incremental manual backup replicated to east: only what changed moves, from the first replica
        guestWrites(0x6b, "6M", "1M");
        byte[] disk1 = disk.clone();
        write(disk, 0x6b, 6 << 20, 1 << 20);
        JsonNode incremental = json(cli("backup", domain, "--replicate-to", "east", "--wait", "--output", "json").ok());
        String p2 = incremental.path("point").asText();
        JsonNode replication2 = awaitReplication(p2);
        assertEquals("succeeded", replication2.path("state").asText(), replication2.toString());
        JsonNode result2 = replication2.path("result");
        String r2 = result2.path("replica").asText();
        assertEquals(r1, result2.path("base").asText(), result2.toString());
        assertTrue(result2.path("chunksSkipped").asLong() > 0, "unchanged entries taken from the first replica: " + result2);
        assertTrue(result2.path("bytesRead").asLong() <= 1 << 20, "only the changed MiB is read from the source: " + result2);

        assertEquals(p2, json(cli("point", "show", domain, "--output", "json").ok()).path("id").asText(),
                "an instance's newest point is the one in its own vault, not its replica taken at the same time");

        // lists filtered by region, through the CLI and the API
        List<String> east = ids(json(cli("point", "list", "--region", "east", "--output", "json").ok()));
        assertEquals(List.of(r2, r1), east);
        List<String> west = ids(json(cli("point", "list", "--region", "west", "--output", "json").ok()));
        assertEquals(List.of(p2, p1), west);
        assertEquals(List.of(r2, r1), ids(api("GET", "/api/v1/points?region=east", null, 200)));
        assertEquals("UnknownRegion", api("GET", "/api/v1/points?region=mars", null, 404).path("code").asText());
        assertEquals("UnknownRegion", api("GET", "/api/v1/jobs?region=mars", null, 404).path("code").asText());
        assertEquals(1, json(cli("protection", "list", "--region", "west", "--output", "json").ok()).path("count").asInt());
        assertEquals(0, json(cli("protection", "list", "--region", "east", "--output", "json").ok()).path("count").asInt());

        // replication errors, each with its code
        cli("point", "replicate", p1, "--to", "east").fails(2, "InvalidArgument").errContains("already (replica " + r1);
        cli("point", "replicate", p1, "--to", "mars").fails(4, "UnknownRegion").errContains("its regions: west, east, north");
        cli("point", "replicate", p1, "--to", "west/east-vault").fails(2, "InvalidArgument")
                .errContains("vault east-vault is in region east, not in west");
        cli("point", "replicate", p1, "--to", "west").fails(2, "InvalidArgument").errContains("is in vault west-vault already");
        JsonNode noDestination = api("POST", "/api/v1/points/" + p1 + "/replicate", "{}", 400);
        assertEquals("NoDestinationRegion", noDestination.path("code").asText(), noDestination.toString());
        assertEquals("InvalidArgument", api("POST", "/api/v1/points/" + p1 + "/replicate",
                "{\"region\": \"east\", \"policy\": \"x\"}", 400).path("code").asText());
        cli("backup", domain, "--replicate-to", "mars").fails(4, "UnknownRegion");
        cli("restore", "instance", p1, "--name", domain + "-x", "--region", "north").fails(4, "PointNotFound")
                .errContains("has no replica in region north");

        // a region with vaults and no host: a replica there, but no disaster recovery there
        JsonNode north = json(cli("point", "replicate", p1, "--to", "north", "--wait", "--output", "json").ok());
        assertEquals("north-vault", north.path("vault").asText(), north.toString());
        cli("restore", "instance", p1, "--name", domain + "-x", "--region", "north").fails(2, "NoHostInRegion");

        // disaster recovery in east from each replica: new instances on east's host, their disks bit for bit
        Path restores = ServerConfig.defaultRestoreDirectory(data);
        String dr1 = resources.restored(domain + "-dr1");
        JsonNode restore1 = json(cli("restore", "instance", p1, "--region", "east", "--name", dr1, "--format", "raw",
                "--dir", restores.toString(), "--vcpus", "2", "--memory-mib", "96", "--start", "--wait", "--output", "json")
                .ok());
        assertEquals(r1, restore1.path("point").asText(), "restored from the replica in east: " + restore1);
        assertTrue(restore1.path("started").asBoolean());
        Path file1 = Path.of(restore1.path("disks").path("vda").asText());
        assertEquals(restores, file1.getParent());
        assertEquals(sha256(disk1), sha256(Files.readAllBytes(file1)), "the first replica restores bit for bit");
        String xml = ServerCliIT.run("virsh", "-c", "qemu:///system", "dumpxml", dr1);
        assertTrue(xml.contains("<vcpu placement='static'>2</vcpu>") && xml.contains("98304"), xml);
        String dr2 = resources.restored(domain + "-dr2");
        JsonNode restore2 = json(cli("restore", "instance", r2, "--name", dr2, "--format", "raw", "--dir",
                restores.toString(), "--no-network", "--wait", "--output", "json").ok());
        assertEquals(sha256(disk), sha256(Files.readAllBytes(Path.of(restore2.path("disks").path("vda").asText()))),
                "the incremental replica restores bit for bit");
        JsonNode eastJobs = json(cli("job", "list", "--region", "east", "--type", "restore_instance", "--output", "json").ok());
        assertEquals(2, eastJobs.path("count").asInt(), eastJobs.toString());
        eastJobs.path("jobs").forEach(j -> assertEquals("east-1", j.path("host").asText(), j.toString()));
        assertEquals(0, json(cli("job", "list", "--region", "west", "--type", "restore_instance", "--output", "json").ok())
                .path("count").asInt());
        JsonNode replications = json(cli("job", "list", "--type", "replicate", "--output", "json").ok());
        assertEquals(3, replications.path("count").asInt(), replications.toString());
        JsonNode inWest = json(cli("job", "list", "--region", "west", "--type", "replicate", "--output", "json").ok());
        JsonNode inEast = json(cli("job", "list", "--region", "east", "--type", "replicate", "--output", "json").ok());
        assertEquals(3, inWest.path("count").asInt(), "a replication runs on the source instance's host, in west: " + inWest);
        assertEquals(0, inEast.path("count").asInt(), inEast.toString());
        inWest.path("jobs").forEach(j -> assertEquals("west-1", j.path("host").asText(), j.toString()));

        // clone into east in one job: backup here, replicate, restore there (started), from the replica
        cli("clone", domain, "--name", domain + "-x", "--region", "mars").fails(4, "UnknownRegion");
        cli("clone", domain, "--name", domain + "-x", "--region", "north").fails(2, "NoHostInRegion");
        String copy = resources.restored(domain + "-c");
        JsonNode clone = json(cli("clone", domain, "--name", copy, "--region", "east", "--wait", "--output", "json").ok());
        assertTrue(clone.path("started").asBoolean(), clone.toString());
        String replica = clone.path("replica").asText();
        assertEquals("east", json(cli("point", "show", replica, "--output", "json").ok()).path("region").asText());
        JsonNode clonePoint = json(cli("point", "show", clone.path("point").asText(), "--output", "json").ok());
        assertEquals("DONE", clonePoint.path("replications").get(0).path("state").asText(), clonePoint.toString());
        Path cloneDisk = Path.of(clone.path("disks").path("vda").asText());
        Path raw = dir.resolve("clone.raw");
        String converted = ServerCliIT.run("qemu-img", "convert", "-U", "-f", "qcow2", "-O", "raw", cloneDisk.toString(),
                raw.toString());
        assertTrue(converted.startsWith("ok"), converted);
        assertEquals(sha256(disk), sha256(Files.readAllBytes(raw)), "the clone in east has the disk as it is now");
    }

    /** The replication job of {@code point}, once it has ended (at most two minutes). */
    private JsonNode awaitReplication(String point) throws Exception {
        return Await.value(() -> {
            JsonNode jobs = api("GET", "/api/v1/jobs?type=replicate&target=" + point, null, 200).path("jobs");
            return jobs.isEmpty() || !List.of("succeeded", "failed", "cancelled").contains(jobs.get(0).path("state").asText())
                    ? Optional.empty() : Optional.of(jobs.get(0));
        }, Duration.ofMinutes(2), () -> "a replication of " + point + " to end");
    }

    /** Writes {@code pattern} to the domain's disk as its guest would (through QEMU). */
    private void guestWrites(int pattern, String offset, String length) throws Exception {
        String done = ServerCliIT.run("virsh", "-c", "qemu:///system", "qemu-monitor-command", domain, "--hmp",
                "qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend \"write -P 0x" + Integer.toHexString(pattern)
                        + " " + offset + " " + length + "\"");
        assertTrue(done.startsWith("ok"), done);
    }

    private static void write(byte[] disk, int pattern, int offset, int length) {
        Arrays.fill(disk, offset, offset + length, (byte) pattern);
    }

    private static List<String> names(JsonNode policies) {
        List<String> names = new ArrayList<>();
        policies.path("policies").forEach(p -> names.add(p.path("name").asText()));
        return names;
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.path("points").forEach(p -> ids.add(p.path("id").asText()));
        return ids;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private JsonNode api(String method, String path, String body, int status) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + Files.readString(tokenFile).strip());
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertEquals(status, answer.statusCode(), method + " " + path + ": " + answer.body());
            JsonNode json = JSON.readTree(answer.body());
            assertNotNull(json);
            return json;
        }
    }

    private ServerCliRun cli(String... args) {
        return ServerCliRun.run(url, tokenFile, args);
    }

    private static JsonNode json(CliRun run) throws Exception {
        return JSON.readTree(run.out());
    }
}
