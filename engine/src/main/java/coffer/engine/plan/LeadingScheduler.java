package coffer.engine.plan;

import coffer.engine.catalog.Leadership;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The scheduler of one of several servers sharing a catalog: it ticks only while its server holds the lead
 * (docs/design/scheduler.md, "Several servers"). {@link #poll} is called every second or two (far more often
 * than the scheduler ticks, so a standby notices a dead holder within seconds); it ticks at once when the lead
 * was just taken, every {@code tickEvery} on the scheduler's clock, and as soon as a plan's next run has come
 * (the earliest one, read at each poll), so a slot is queued within a poll of its time rather than a tick.
 * A plan that stays due after a tick (its run could not be decided) does not make every poll tick.
 * {@link #pollOn} polls on a timer and, while this server leads, at the moment the earliest next run comes
 * ({@link #untilNextPoll}) rather than at the next poll after it: with every poll a second apart a slot was queued
 * 0-1 s late, which delayed each of its runs as much (docs/performance.md, "Scheduler").
 *
 * <p>Not thread-safe: one thread polls (the server's scheduler thread, or a test); {@link #leading} may be read
 * from any thread.
 */
public final class LeadingScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeadingScheduler.class);
    private final PlanScheduler scheduler;
    private final Leadership leadership;
    private final Duration tickEvery;
    private volatile boolean leading;
    private Instant nextTick;
    private Instant lastTick;
    /**
     * The earliest next run the last {@link #poll} read when it did not tick, for the {@link #untilNextPoll} after it:
     * one read of it per poll, not two. Null when there is none to reuse (the poll ticked, or it was used).
     */
    private Optional<Instant> earliestReadByPoll;

    public LeadingScheduler(PlanScheduler scheduler, Leadership leadership, Duration tickEvery) {
        this.scheduler = scheduler;
        this.leadership = leadership;
        this.tickEvery = tickEvery;
    }

    /** Checks the lead; ticks when it holds it and a tick is due (or the lead is new). Empty when it did not tick. */
    public Optional<PlanScheduler.Tick> poll() {
        earliestReadByPoll = null;
        if (!leadership.lead()) {
            leading = false;
            return Optional.empty();
        }
        Instant now = scheduler.clock().instant();
        if (leading && now.isBefore(nextTick)) {
            Optional<Instant> earliest = scheduler.earliestNextRun();
            if (earliest.filter(run -> !run.isAfter(now) && run.isAfter(lastTick)).isEmpty()) {
                earliestReadByPoll = earliest; // nothing came since the last tick: the wait after this poll is read here
                return Optional.empty();
            }
        }
        leading = true;
        lastTick = now;
        nextTick = now.plus(tickEvery);
        return Optional.of(scheduler.tick(leadership::lead));
    }

    /**
     * How long to wait before the next {@link #poll}: {@code most}, or less while this server leads and a plan's next
     * run comes sooner (zero when one came since the last tick). Right after a poll that did not tick it uses the earliest
     * next run that poll read (one read per poll). A run that stayed due through the last tick (its run
     * could not be decided) does not shorten it, nor does a run on a standby (it polls for the lead, every
     * {@code most}). On a catalog error, {@code most}.
     */
    public Duration untilNextPoll(Duration most) {
        if (!leading) {
            return most;
        }
        Instant now = scheduler.clock().instant();
        Optional<Instant> readByPoll = earliestReadByPoll;
        earliestReadByPoll = null;
        try {
            return (readByPoll != null ? readByPoll : scheduler.earliestNextRun())
                    .filter(run -> lastTick == null || run.isAfter(lastTick))
                    .map(run -> run.isAfter(now) ? Duration.between(now, run) : Duration.ZERO)
                    .filter(wait -> wait.compareTo(most) < 0)
                    .orElse(most);
        } catch (RuntimeException e) {
            LOG.warn("scheduler: cannot read the plans' earliest next run: {}", e.getMessage());
            return most;
        }
    }

    /**
     * Polls on {@code timer} after {@code first}, then again after each poll at {@link #untilNextPoll}({@code most}),
     * until the timer is shut down; {@code ticked} gets each poll's answer. A poll that fails is logged and the polls go
     * on. The timer should be single-threaded (polls do not overlap: each schedules the next when it is done).
     */
    public void pollOn(ScheduledExecutorService timer, Duration first, Duration most,
                       Consumer<Optional<PlanScheduler.Tick>> ticked) {
        Runnable poll = new Runnable() {
            @Override
            public void run() {
                Duration next = most;
                try {
                    ticked.accept(poll());
                    next = untilNextPoll(most);
                } catch (RuntimeException e) {
                    LOG.warn("scheduler tick failed: {}", e.getMessage());
                } finally {
                    schedule(timer, this, next);
                }
            }
        };
        schedule(timer, poll, first);
    }

    private static void schedule(ScheduledExecutorService timer, Runnable poll, Duration after) {
        if (timer.isShutdown()) {
            return;
        }
        try {
            timer.schedule(poll, after.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // shut down meanwhile: the polls end with the timer
        }
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
