package coffer.server.api;

import coffer.client.ApiClient;
import coffer.client.ApiException;
import coffer.client.api.InstancesApi;
import coffer.client.api.JobsApi;
import coffer.client.api.PointsApi;
import coffer.client.api.ProtectionsApi;
import coffer.client.model.AppConsistency;
import coffer.client.model.BackupInstanceRequest;
import coffer.client.model.JobState;
import coffer.client.model.JobView;
import coffer.client.model.PointList;
import coffer.client.model.ProtectRequest;
import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import coffer.testing.Environment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Java client generated from the served OpenAPI document (openapi-generator, at build time: server/pom.xml)
 * compiles and runs a backup against a real server: protect an instance, back it up, follow the job, list the
 * point. Its typed models read the server's answers, problems included.
 */
class GeneratedClientIT {
    private static final Path SCRIPTS = Path.of("..", "scripts");

    @TempDir Path dir;
    String domain;
    TestServer server;
    TestDatabase db;

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        if (db != null) {
            db.close();
        }
        if (domain != null) {
            run(SCRIPTS.resolve("remove-test-domain").toString(), domain);
        }
    }

    @Test
    void aClientGeneratedFromTheDocumentRunsABackup() throws Exception {
        Environment.requireCommand("virsh");
        Environment.need(run("virsh", "-c", "qemu:///system", "version").startsWith("ok"), "libvirtd answering");
        domain = "coffer-client-" + UUID.randomUUID().toString().substring(0, 8);
        String made = run(SCRIPTS.resolve("make-test-domain").toString(), domain, dir.toString(), "--size-mb", "8");
        assertTrue(made.startsWith("ok"), made);
        db = TestDatabase.sqlite(dir);
        server = TestServer.start(TestServer.config(dir.resolve("data"), db.config()));

        ApiClient client = new ApiClient();
        client.updateBaseUri(server.url());
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + server.adminToken()));
        new ProtectionsApi(client).protect(new ProtectRequest().instances(List.of(domain)));
        JobView job = new InstancesApi(client).backupInstance(domain, new BackupInstanceRequest()
                .appConsistent(new AppConsistency(false)).description("through a generated client"));
        JobsApi jobs = new JobsApi(client);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (job.getState() != JobState.SUCCEEDED && Instant.now().isBefore(deadline)) {
            assertTrue(job.getState() != JobState.FAILED && job.getState() != JobState.CANCELLED, job.toString());
            Thread.sleep(200);
            job = jobs.showJob(job.getId());
        }
        assertEquals(JobState.SUCCEEDED, job.getState(), job.toString());
        PointList points = new PointsApi(client).listPoints(domain, null, null, null, null, null, null, null, null, null);
        assertEquals(1, points.getCount(), points.toString());
        assertEquals(domain, points.getPoints().getFirst().getInstanceName());

        ApiException refused = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
                () -> new InstancesApi(client).backupInstance(domain, new BackupInstanceRequest().retentionDays(0)));
        assertEquals(400, refused.getCode());
        assertTrue(refused.getResponseBody().contains("retentionDays: must be between 1 and 65536"), refused.getResponseBody());
        assertTrue(URI.create(server.url()).getPort() > 0);
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return (p.waitFor() == 0 ? "ok " : "failed ") + out;
    }
}
