package coffer.app.campaign;

import java.time.Duration;
import java.util.Map;
import java.util.Random;

/**
 * {@code coffer backup DOMAIN --vault V} of a running no-OS domain (pull-mode backup over NBD), killed at a random
 * moment: the domain stays running (never left paused), and the next backup succeeds, cleaning what the killed
 * run left on the host (its libvirt backup job, NBD socket and scratch files).
 *
 * <p>Not thread-safe.
 */
final class InstanceBackupKill implements KillScenario {
    private final Coffer coffer;
    private final CampaignVault vault;
    private final CampaignDomain domain;
    private Duration typical = Duration.ofSeconds(3);

    InstanceBackupKill(Coffer coffer, CampaignVault vault, CampaignDomain domain) {
        this.coffer = coffer;
        this.vault = vault;
        this.domain = domain;
    }

    @Override
    public String kind() {
        return "instance-backup";
    }

    @Override
    public CampaignVault vault() {
        return vault;
    }

    @Override
    public void prepare(Random draw) throws Exception {
        domain.change(draw);
    }

    @Override
    public Map<String, String> pointData() throws Exception {
        return domain.data();
    }

    private String[] backup() {
        return new String[]{"backup", domain.name(), "--vault", vault.path().toString()};
    }

    @Override
    public Coffer.Child start() throws Exception {
        return coffer.start(backup());
    }

    @Override
    public Duration typical() {
        return typical;
    }

    @Override
    public void afterKill(String what) throws Exception {
        domain.assertRunning(what);
    }

    @Override
    public void next(String what) throws Exception {
        long started = System.nanoTime();
        coffer.runChild(Duration.ofMinutes(5), backup()).ok(what + ": the next instance backup");
        typical = Duration.ofNanos(System.nanoTime() - started);
    }

    @Override
    public void nothingLeft(String what) throws Exception {
        domain.assertNothingLeft(what);
    }
}
