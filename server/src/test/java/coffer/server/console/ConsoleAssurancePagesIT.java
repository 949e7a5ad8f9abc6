package coffer.server.console;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogConfig;
import coffer.engine.catalog.ChangeAlert;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.engine.catalog.TestDatabase;
import coffer.server.TestServer;
import coffer.server.config.ServerConfig;
import coffer.engine.vault.VaultLocation;
import coffer.testing.LeftHeld;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The assurance, regions and replication pages over plain HTTP on a real server with two regions (west: the vault
 * {@code default} and the host {@code local}; east: the vault {@code east-vault}, no host), catalog rows standing in for
 * backups, alerts and replications: what each role sees and may do, the region filters, the codes of refusals.
 * ConsoleAssuranceBrowserIT drives the same in Chromium with a real backup, verify and replication.
 */
class ConsoleAssurancePagesIT {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    static final String WEB = "5f0c2a3e-0000-4000-8000-00000000c001";

    @TempDir Path dir;
    TestServer server;
    Catalog catalog;

    /** Two regions: west (vault default, host local) and east (vault east-vault, no host). */
    static ServerConfig twoRegions(Path dataDir, CatalogConfig catalog) {
        return twoRegions(dataDir, catalog, List.of(new ServerConfig.HostEntry("local", "qemu:///system", "west")));
    }

    /** The same two regions with these hosts. */
    static ServerConfig twoRegions(Path dataDir, CatalogConfig catalog, List<ServerConfig.HostEntry> hosts) {
        return new ServerConfig(dataDir, "127.0.0.1", 0, null, catalog, List.of(
                new ServerConfig.VaultEntry("default", VaultLocation.directory(dataDir.resolve("vault")),
                        dataDir.resolve("keyring"), true, "west"),
                new ServerConfig.VaultEntry("east-vault", VaultLocation.directory(dataDir.resolve("east-vault")),
                        dataDir.resolve("east-keyring"), true, "east")),
                hosts, ServerConfig.Limits.DEFAULT);
    }

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(twoRegions(dir, TestDatabase.sqlite(dir).config()));
        catalog = server.server().catalog();
        catalog.hosts().ensure("local", "qemu:///system");
        catalog.instances().refresh("local", List.of(new Instance(WEB, "local", "web-a", "running", List.of(), T0, false)));
        catalog.points().upsert(point("pt-west", "default", "west", 0));
        catalog.points().upsert(point("pt-east", "east-vault", "east", 1));
        catalog.replications().queue("pt-west", "east", "east-vault");
        catalog.replications().start("pt-west", "east", "east-vault", null);
        catalog.replications().done("pt-west", "east", "east-vault", "pt-east");
        catalog.changeAlerts().raise(new ChangeAlert("al-1", WEB, "pt-west", T0, ChangeAlert.Kind.CHANGE_RATE, 9e8, 1e7,
                T0.plusSeconds(60), null, null, null, null));
    }

    static PointRecord point(String id, String vault, String region, int day) {
        return new PointRecord(id, vault, WEB, "web-a", T0.plusSeconds(86_400L * day), "available", "CRASH", 1L << 30,
                1L << 20, null, null, List.of(), null, region);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    ConsoleClient signedIn(String role) throws Exception {
        ConsoleClient client = new ConsoleClient(server.url());
        client.signIn(role.equals("admin") ? server.adminToken() : catalog.tokens().create("t-" + role, role).secret());
        return client;
    }

    @Test
    void everyNewPageRendersAndTheRegionsPageShowsEachRegionsVaultsHostsAndPoints() throws Exception {
        ConsoleClient admin = signedIn("admin");
        for (String path : List.of("/alerts", "/alerts?instance=web-a", "/verify", "/verify?vault=default", "/drills",
                "/reclaims", "/regions", "/points?region=east", "/jobs?region=west", "/jobs/table?region=east",
                "/instances?region=west")) {
            ConsoleClient.Page page = admin.get(path);
            assertEquals(200, page.status(), path + ": " + page.body());
        }
        String regions = admin.get("/regions").body();
        assertTrue(regions.contains("id=\"region-west\"") && regions.contains("id=\"region-east\""), regions);
        String west = row(regions, "region-west");
        assertTrue(west.contains("default <small>(default)</small>") && west.contains("local")
                && west.contains("<td class=\"num\">1</td>"), west);
        String east = row(regions, "region-east");
        assertTrue(east.contains("east-vault") && east.contains("<td>none</td>") && east.contains("<td class=\"num\">1</td>"), east);
        String reclaims = admin.get("/reclaims").body();
        assertTrue(reclaims.contains("id=\"reclaim-default\"") && reclaims.contains("id=\"reclaim-east-vault\""), reclaims);
    }

    /**
     * A claim and two leases of runs killed for good on another host lie in vault east-vault; a step of the server's
     * reclaim loop removes them and the Space reclaimed page shows how many in that step's row.
     */
    @Test
    void theSpaceReclaimedPageShowsTheStaleClaimsAndLeasesAStepRemoved() throws Exception {
        // after the start-up rescan no step runs until a deletion: the one below removes them all
        coffer.testing.Await.until(() -> server.server().assurance().reclaimReport().stream()
                .anyMatch(v -> v.vault().equals("east-vault") && !v.recent().isEmpty()
                        && v.recent().getFirst().outcome() == coffer.engine.reclaim.ReclaimRun.Outcome.COMPLETE),
                java.time.Duration.ofMinutes(1), "the start-up rescan of east-vault");
        Instant killed = Instant.now().minus(java.time.Duration.ofHours(2));
        String point = coffer.vault.PointIds.newId(killed);
        Path east = dir.resolve("east-vault");
        LeftHeld.inDirectory(east, "claims/" + coffer.vault.PointIds.newId(killed) + "/killed-elsewhere", "WRITE", killed);
        LeftHeld.inDirectory(east, "leases/" + point + "/killed-elsewhere", "SERVE", killed);
        LeftHeld.inDirectory(east, "leases/" + point + "/killed-too", "SERVE", killed);
        server.server().assurance().reclaim().orElseThrow().reclaim().noteDeleted("east-vault", Instant.now());
        ConsoleClient viewer = signedIn("viewer");
        String page = coffer.testing.Await.value(() -> {
            String body = viewer.get("/reclaims").body();
            return body.contains("<td class=\"num stale-claims\">1</td>") ? java.util.Optional.of(body)
                    : java.util.Optional.empty();
        }, java.time.Duration.ofMinutes(1), "a step of east-vault that removed the stale claim");
        assertTrue(page.contains("<td class=\"num stale-claims\">1</td><td class=\"num stale-leases\">2</td>"), page);
        assertTrue(page.contains("Recent steps of vault east-vault"), page);
    }

    @Test
    void theRegionFilterNarrowsPointsJobsAndInstancesAndAnUnknownRegionIsNamedWithItsCode() throws Exception {
        ConsoleClient viewer = signedIn("viewer");
        String east = viewer.get("/points?region=east").body();
        assertTrue(east.contains("1 point(s)") && east.contains("pt-east") && !east.contains(">pt-west<"), east);
        String all = viewer.get("/points").body();
        String westRow = row(all, "pt-west");
        assertTrue(westRow.contains("east: DONE") && westRow.contains("href=\"/points/pt-east\""),
                "the replication status on the point's row: " + westRow);
        assertTrue(viewer.get("/instances?region=west").body().contains("web-a"));
        assertFalse(viewer.get("/instances?region=east").body().contains("web-a"), "east has no host");

        for (String path : List.of("/points?region=mars", "/jobs?region=mars", "/instances?region=mars")) {
            ConsoleClient.Page refused = viewer.get(path);
            assertEquals(404, refused.status(), path);
            assertTrue(refused.body().contains("UnknownRegion") && refused.body().contains("no region 'mars'")
                    && refused.body().contains("What to do:"), path + ": " + refused.body());
        }
    }

    @Test
    void aViewerSeesNoChangesAndItsForgedAcknowledgementIsRefusedWhileAnOperatorsStands() throws Exception {
        ConsoleClient viewer = signedIn("viewer");
        ConsoleClient.Page alerts = viewer.get("/alerts");
        assertTrue(alerts.body().contains("id=\"alert-al-1\"") && alerts.body().contains("standing"), alerts.body());
        assertFalse(alerts.body().contains("class=\"ack\""), "no acknowledge button for a viewer");
        assertFalse(viewer.get("/verify").body().contains("id=\"verify-form\""), "no verify form for a viewer");
        // the point page's replicate and restore buttons need a point in a vault: ConsoleAssuranceBrowserIT
        ConsoleClient.Page forged = viewer.post("/alerts/al-1/acknowledge", "_csrf", alerts.csrf(), "note", "me");
        assertEquals(403, forged.status());
        assertTrue(forged.body().contains("Forbidden") && forged.body().contains("requires operator"), forged.body());
        assertTrue(catalog.changeAlerts().find("al-1").orElseThrow().acknowledgedAt() == null, "still standing");

        ConsoleClient operator = signedIn("operator");
        String page = operator.get("/alerts").body();
        assertTrue(page.contains("class=\"ack\""), "an operator acknowledges");
        assertFalse(operator.get("/verify").body().contains("id=\"verify-form\""), "verify is an admin's");
        ConsoleClient.Page done = operator.post("/alerts/al-1/acknowledge", "_csrf", operator.get("/alerts").csrf(),
                "note", "planned re-encryption", "back", "/alerts?instance=web-a");
        assertEquals(303, done.status(), done.body());
        ChangeAlert acknowledged = catalog.changeAlerts().find("al-1").orElseThrow();
        assertEquals("t-operator", acknowledged.acknowledgedBy(), "attributed to the signed-in token, as the API does");
        assertEquals("planned re-encryption", acknowledged.note());
        String after = operator.get("/alerts?instance=web-a").body();
        assertTrue(after.contains("Alert al-1 acknowledged by t-operator") && after.contains("acknowledged by t-operator at"),
                after);
        assertFalse(operator.get("/alerts").body().contains("id=\"alert-al-1\""), "no longer standing");
        String history = operator.get("/alerts?acknowledged=on").body();
        assertTrue(history.contains("id=\"alert-al-1\"") && history.contains("acknowledged by t-operator at"),
                "every instance's acknowledged alerts: " + history);
    }

    @Test
    void aReplicationToARegionWithoutAVaultOrAnUnknownOneIsRefusedWithItsCode() throws Exception {
        ConsoleClient operator = signedIn("operator");
        String csrf = operator.get("/alerts").csrf();
        ConsoleClient.Page refused = operator.post("/points/pt-west/replicate", "_csrf", csrf, "region", "mars",
                "back", "/points/pt-west");
        assertEquals(303, refused.status());
        String shown = operator.get("/regions").body();
        assertTrue(shown.contains("UnknownRegion") && shown.contains("no region 'mars'"), shown);
        ConsoleClient.Page none = operator.post("/points/pt-west/replicate", "_csrf", csrf, "back", "/regions");
        assertEquals(303, none.status());
        String noDestination = operator.get("/regions").body();
        assertTrue(noDestination.contains("NoDestinationRegion"), noDestination);
        ConsoleClient.Page noHost = operator.post("/points/pt-west/restore-in-region", "_csrf", csrf, "region", "east",
                "name", "dr-web", "back", "/regions");
        assertEquals(303, noHost.status());
        String noHostShown = operator.get("/regions").body();
        assertTrue(noHostShown.contains("NoHostInRegion"), noHostShown);
    }

    @Test
    void aDrillOrVerifyFormWithABadValueIsRefusedWithItsCodeAndQueuesNothing() throws Exception {
        ConsoleClient admin = signedIn("admin");
        String csrf = admin.get("/drills").csrf();
        ConsoleClient.Page drill = admin.post("/drills", "_csrf", csrf, "instance", "web-a", "check", "ls -l /", "back", "/drills");
        assertEquals(303, drill.status());
        String drills = admin.get("/drills").body();
        assertTrue(drills.contains("InvalidArgument") && drills.contains("check: the command's path must be absolute"), drills);
        ConsoleClient.Page verify = admin.post("/verify", "_csrf", csrf, "vault", "default", "kind", "EVERYTHING", "back", "/verify");
        assertEquals(303, verify.status());
        String shown = admin.get("/verify").body();
        assertTrue(shown.contains("InvalidArgument") && shown.contains("kind: one of [FULL, SAMPLED], got 'EVERYTHING'"), shown);
        ConsoleClient.Page unknown = admin.post("/verify", "_csrf", csrf, "vault", "nowhere", "kind", "FULL", "back", "/verify");
        assertEquals(303, unknown.status());
        String noVault = admin.get("/verify").body();
        assertTrue(noVault.contains("nowhere") && noVault.contains("What to do:"), noVault);
        assertTrue(catalog.jobs().page(new coffer.engine.job.Jobs.Filter(null, coffer.engine.job.JobType.drill, null, null, null,
                null, null, 10, null)).items().isEmpty(), "no drill queued");
    }

    /** The table row whose id (or first cell) is {@code id}. */
    static String row(String body, String id) {
        int at = body.indexOf(id);
        assertTrue(at >= 0, id + " in " + body);
        int start = body.lastIndexOf("<tr", at);
        return body.substring(start, body.indexOf("</tr>", at));
    }
}
