package coffer.app.campaign;

import java.time.Duration;
import java.util.Map;
import java.util.Random;

/**
 * One kind of operation the campaign kills: how to give it work, start it, what a kill may leave and must not,
 * and the next operation, which must succeed.
 *
 * <p>Implementations are not thread-safe; the campaign runs one round at a time.
 */
interface KillScenario {
    /** A short name for the figures: {@code image-backup}, {@code gc}, … */
    String kind();

    /** The vault this kind works on. */
    CampaignVault vault();

    /** Before the run to kill: gives it work (new data, garbage, a point to restore). */
    void prepare(Random draw) throws Exception;

    /** What a point made now holds: disk name to SHA-256 (empty when this kind makes no point). */
    Map<String, String> pointData() throws Exception;

    /** Starts the run to kill; returns the process whose kill -9 is the experiment. */
    Coffer.Child start() throws Exception;

    /** How long such a run took last time: kill moments are drawn from zero to this. */
    Duration typical();

    /** Right after the kill: what this kind checks at once (a restarted server, a domain not paused, …). */
    void afterKill(String what) throws Exception;

    /** The next operation of the same kind, to its end: it must succeed. */
    void next(String what) throws Exception;

    /** After the next operation: nothing of the killed run may be left (beyond the vault's own checks). */
    void nothingLeft(String what) throws Exception;

    /** Ends the kind: stops what it started, removes what it made. */
    default void close() throws Exception {
    }
}
