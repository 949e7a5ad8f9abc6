package coffer.cli;

import coffer.engine.ByteSize;
import coffer.engine.json.CofferJson;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** Prints results as text for people or JSON for scripts (Coffer's one JSON form, indented). Stateless apart from the stream. */
final class Output {
    private final PrintStream out;

    Output(PrintStream out) {
        this.out = out;
    }

    void json(Object value) {
        try {
            out.println(CofferJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    void line(String format, Object... args) {
        out.println(args.length == 0 ? format : String.format(Locale.ROOT, format, args));
    }

    /** {@code 1.0 GiB}; {@code ?} for an unknown size (-1). */
    static String bytes(long bytes) {
        if (bytes < 0) {
            return "?";
        }
        return ByteSize.of(bytes);
    }

    /**
     * {@code 2026-01-01T02:00:00Z}: ISO-8601 in UTC with its zone, to the second; {@code -} for none. Every time the
     * command line prints as text goes through here (docs/cli.md, "Tables"), so that none is read in the wrong zone.
     */
    static String time(Instant at) {
        return at == null ? "-" : at.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
