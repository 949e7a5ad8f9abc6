package coffer.cli;

import picocli.CommandLine.Option;

import java.time.Instant;

/**
 * The options every paged list shares: the creation-time range and the cursor of a page (docs/api.md, "Lists").
 * A picocli mixin; not thread-safe (one command's parse).
 */
final class PageOptions {
    @Option(names = "--from", paramLabel = "INSTANT", description = "Created at or after: 2026-01-01T00:00:00Z.")
    Instant from;
    @Option(names = "--to", paramLabel = "INSTANT", description = "Created before.")
    Instant to;
    @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after this cursor (a previous page's next cursor).")
    String cursor;
}
