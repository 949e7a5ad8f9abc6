package coffer.cli;

import picocli.CommandLine.Option;

import java.time.Instant;

/**
 * The options every paged list shares: the creation-time range and the cursor of a page (docs/api.md, "Lists").
 * A picocli mixin; not thread-safe (one command's parse).
 */
final class PageOptions {
    @Option(names = "--since", paramLabel = "INSTANT", description = "Only those created at or after this instant (e.g. 2026-03-02T00:00:00Z).")
    Instant since;
    @Option(names = "--until", paramLabel = "INSTANT", description = "Only those created before this instant.")
    Instant until;
    @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after this cursor (a previous page's next cursor).")
    String cursor;
}
