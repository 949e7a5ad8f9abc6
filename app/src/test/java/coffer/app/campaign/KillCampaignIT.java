package coffer.app.campaign;

import coffer.testing.Environment;
import coffer.testing.TestSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Runs the kill -9 campaign ({@link KillCampaign}): small in CI (one round of each kind), full size by hand with
 * {@code scripts/kill-campaign N} ({@code -Dcoffer.kill.rounds=N}, {@code -Dcoffer.kill.kinds=image-backup,gc,…},
 * {@code -Dcoffer.kill.size-mb=M}). The figures go to standard output and to {@code app/target/kill-campaign.txt}.
 */
class KillCampaignIT {
    private static final List<String> KINDS = List.of("image-backup", "instance-backup", "gc", "restore", "server-job");

    @TempDir Path dir;

    @Test
    void killsAtRandomMomentsLeaveEveryVaultWholeAndEveryNextOperationWorking() throws Exception {
        Environment.requireCommand("virsh");
        Environment.requireCommand("qemu-img");
        Environment.need(CampaignDomainProbe.libvirtAnswers(), "libvirtd answering on qemu:///system");
        int rounds = Integer.getInteger("coffer.kill.rounds", KINDS.size());
        int sizeMb = Integer.getInteger("coffer.kill.size-mb", 64);
        List<String> kinds = Arrays.asList(System.getProperty("coffer.kill.kinds", String.join(",", KINDS)).split(","));
        long seed = TestSeed.of("KillCampaignIT");
        Random setup = new Random(seed ^ 0x5eed);

        Coffer coffer = new Coffer(dir.resolve("keyring.json"), dir.resolve("logs"));
        CampaignVault vault = new CampaignVault(coffer, dir.resolve("vault"), dir);
        coffer.run("vault", "init", vault.path().toString()).ok("vault init");
        List<KillScenario> scenarios = new ArrayList<>();
        CampaignDomain domain = null;
        try {
            if (kinds.contains("instance-backup") || kinds.contains("server-job")) {
                domain = CampaignDomain.make(dir.resolve("domain"), sizeMb, setup);
            }
            ImageBackupKill image = new ImageBackupKill(coffer, vault, dir, (long) sizeMb << 20, setup);
            for (String kind : kinds) {
                scenarios.add(switch (kind.strip()) {
                    case "image-backup" -> image;
                    case "instance-backup" -> new InstanceBackupKill(coffer, vault, domain);
                    case "gc" -> new GcKill(coffer, vault, dir);
                    case "restore" -> new RestoreKill(coffer, vault, dir);
                    case "server-job" -> new ServerJobKill(dir, domain);
                    default -> throw new IllegalArgumentException("unknown kind '" + kind + "'; kinds: " + KINDS);
                });
            }
            if (kinds.contains("restore") && kinds.indexOf("image-backup") < 0) {
                throw new IllegalArgumentException("restore needs image-backup before it (its points are what it restores)");
            }
            KillCampaign campaign = new KillCampaign(scenarios, seed);
            long started = System.currentTimeMillis();
            campaign.setUp();
            campaign.run(rounds);
            String report = campaign.report(rounds, System.currentTimeMillis() - started);
            System.out.print(report);
            Files.writeString(Files.createDirectories(Path.of("target")).resolve("kill-campaign.txt"), report);
        } finally {
            for (KillScenario s : scenarios) {
                s.close();
            }
            if (domain != null) {
                domain.close();
            }
        }
    }
}
