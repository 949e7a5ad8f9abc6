package coffer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code coffer point extend POINT --days N | --never} (server only): keep a point longer, or forever. */
@Command(name = "extend", description = "Extend a point's retention by whole days (1-65536; at most 65536 days from its creation) or set it to never expire.",
        mixinStandardHelpOptions = true)
final class PointExtendCommand implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Mixin ServerOption server;
    @Parameters(paramLabel = "POINT") String point;
    @ArgGroup(multiplicity = "1") Change change;

    static final class Change {
        @Option(names = "--days", paramLabel = "N", description = "Keep it N more days past its current expiry.") Integer days;
        @Option(names = "--never", description = "Never expire (a person can still delete it unless it is immutable).") boolean never;
    }

    @Override
    public Integer call() {
        Map<String, Object> body = change.days != null ? Map.of("extendDays", change.days) : Map.of("neverExpire", true);
        JsonNode answer = server.require().post("/api/v1/points/" + ApiClient.segment(point) + "/retention", body);
        if (common.json()) {
            Cli.out().json(answer);
        } else {
            Cli.out().line("Point %s now %s.", point, answer.path("expiresAt").isNull() ? "never expires"
                    : "expires at " + answer.path("expiresAt").asText());
        }
        return 0;
    }
}
