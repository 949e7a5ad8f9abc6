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
final class InstanceBackupKill extends CommandKill {
    private final CampaignDomain domain;

    InstanceBackupKill(Coffer coffer, CampaignVault vault, CampaignDomain domain) {
        super(coffer, vault, Duration.ofSeconds(3));
        this.domain = domain;
    }

    @Override
    public String kind() {
        return "instance-backup";
    }

    @Override
    public void prepare(Random draw) throws Exception {
        domain.change(draw);
    }

    @Override
    public Map<String, String> pointData() throws Exception {
        return domain.data();
    }

    @Override
    String[] command() {
        return new String[]{"backup", domain.name(), "--vault", vault.path().toString()};
    }

    @Override
    public void afterKill(String what) throws Exception {
        domain.assertRunning(what);
    }

    @Override
    public void nothingLeft(String what) throws Exception {
        domain.assertNothingLeft(what);
    }
}
