package coffer.engine.plan;

import coffer.engine.catalog.Leadership;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The scheduler of one of several servers sharing a catalog: it ticks only while its server holds the lead
 * (docs/design/scheduler.md, "Several servers"). {@link #poll} is called every second or two (far more often
 * than the scheduler ticks, so a standby notices a dead holder within seconds); it ticks at once when the lead
 * was just taken, every {@code tickEvery} on the scheduler's clock, and as soon as a plan's next run has come
 * (the earliest one, read at each poll), so a slot is queued within a poll of its time rather than a tick.
 * A plan that stays due after a tick (its run could not be decided) does not make every poll tick.
 *
 * <p>Not thread-safe: one thread polls (the server's scheduler thread, or a test); {@link #leading} may be read
 * from any thread.
 */
public final class LeadingScheduler implements AutoCloseable {
    private final PlanScheduler scheduler;
    private final Leadership leadership;
    private final Duration tickEvery;
    private volatile boolean leading;
    private Instant nextTick;
    private Instant lastTick;

    public LeadingScheduler(PlanScheduler scheduler, Leadership leadership, Duration tickEvery) {
        this.scheduler = scheduler;
        this.leadership = leadership;
        this.tickEvery = tickEvery;
    }

    /** Checks the lead; ticks when it holds it and a tick is due (or the lead is new). Empty when it did not tick. */
    public Optional<PlanScheduler.Tick> poll() {
        if (!leadership.lead()) {
            leading = false;
            return Optional.empty();
        }
        Instant now = scheduler.clock().instant();
        if (leading && now.isBefore(nextTick) && !runDue(now)) {
            return Optional.empty();
        }
        leading = true;
        lastTick = now;
        nextTick = now.plus(tickEvery);
        return Optional.of(scheduler.tick(leadership::lead));
    }

    /** Whether a plan's next run came since the last tick. */
    private boolean runDue(Instant now) {
        return scheduler.earliestNextRun().filter(run -> !run.isAfter(now) && run.isAfter(lastTick)).isPresent();
    }

    /** Whether the last {@link #poll} found this server leading. */
    public boolean leading() {
        return leading;
    }

    /** Gives the lead up. */
    @Override
    public void close() {
        leading = false;
        leadership.close();
    }
}
