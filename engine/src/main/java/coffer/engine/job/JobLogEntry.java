package coffer.engine.job;

import java.time.Instant;

/** One line of a job's structured log; {@code level} is info, warning or error. */
public record JobLogEntry(long sequence, Instant at, String level, String message) {
}
