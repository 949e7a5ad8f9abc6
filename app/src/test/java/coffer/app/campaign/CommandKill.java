package coffer.app.campaign;

import java.time.Duration;

/**
 * A kind whose run is one {@code coffer} command, killed as it runs and run again to its end as the next
 * operation; the duration of that last complete run is where the next kill moment is drawn from.
 *
 * <p>Not thread-safe.
 */
abstract class CommandKill implements KillScenario {
    final Coffer coffer;
    final CampaignVault vault;
    private Duration typical;

    CommandKill(Coffer coffer, CampaignVault vault, Duration first) {
        this.coffer = coffer;
        this.vault = vault;
        this.typical = first;
    }

    /** The command's arguments (without {@code --keyring}). */
    abstract String[] command();

    @Override
    public CampaignVault vault() {
        return vault;
    }

    @Override
    public Coffer.Child start() throws Exception {
        return coffer.start(command());
    }

    @Override
    public Duration typical() {
        return typical;
    }

    @Override
    public void next(String what) throws Exception {
        long started = System.nanoTime();
        coffer.runChild(Duration.ofMinutes(5), command()).ok(what + ": the next " + kind());
        typical = Duration.ofNanos(System.nanoTime() - started);
    }
}
