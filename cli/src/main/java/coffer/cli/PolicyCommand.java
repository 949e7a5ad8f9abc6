package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code coffer policy create|edit|list|show|delete} (server only): the policy center. */
@Command(name = "policy", description = "The policy center: schedules, retention, immutability, replication (needs a server).",
        mixinStandardHelpOptions = true, subcommands = {PolicyCommand.Create.class, PolicyCommand.Edit.class,
        PolicyCommand.ListPolicies.class, PolicyCommand.Show.class, PolicyCommand.Delete.class})
final class PolicyCommand {

    /** The fields a person sets on the command line; unset ones keep the policy's (edit) or the defaults (create). */
    static final class Fields {
        @Option(names = "--schedule", paramLabel = "I|START|INTERVAL", description = "e.g. I|1631685600|P1D (or use --start and --every).") String schedule;
        @Option(names = "--start", paramLabel = "INSTANT", description = "First run, to the second: 2026-01-01T02:00:00Z.") String start;
        @Option(names = "--every", paramLabel = "PT<n>H|P<n>D|P<n>W", description = "Interval: hours, days or weeks.") String every;
        @Option(names = "--zone", paramLabel = "ZONE", description = "Time zone of days, weeks and calendar rules (default UTC).") String zone;
        @Option(names = "--keep", paramLabel = "<n>d|w|m|y", description = "Keep every point this long, e.g. 7d, 4w, 6m, 1y.") String keep;
        @Option(names = "--keep-latest", paramLabel = "N", description = "Also keep the newest N points (0: off).") Integer keepLatest;
        @Option(names = "--keep-first", paramLabel = "UNIT:COUNT", split = ",", description = "Calendar rules: days:7,weeks:4,months:12,years:3.") List<String> calendar;
        @Option(names = "--immutable", negatable = true, description = "Points cannot be deleted before they expire.") Boolean immutable;
        @Option(names = "--replicate-to", paramLabel = "REGION/VAULT", description = "Replication destination (stored; replication is a later feature).") String replicateTo;
        @Option(names = "--replica-keep", paramLabel = "<n>d|w|m|y", description = "Retention of replicas.") String replicaKeep;
        @Option(names = "--replica-key", paramLabel = "KEY", description = "Encrypt replicas with this key (default: auto).") String replicaKey;
        @Option(names = "--no-replication", description = "Turn replication off.") boolean noReplication;
        @Option(names = "--archive-after", paramLabel = "DAYS", description = "Archive points after this many days.") Integer archiveAfter;
        @Mixin AppConsistencyOptions consistency = new AppConsistencyOptions();
        @Option(names = "--crash-consistent", description = "Edit: turn application consistency off.") boolean crashConsistent;

        ObjectNode apply(ObjectNode doc) {
            if (schedule != null) {
                doc.put("schedule", schedule);
            } else if (start != null || every != null) {
                ObjectNode s = doc.putObject("schedule");
                s.put("start", start);
                s.put("interval", every);
            }
            if (zone != null) {
                doc.put("zone", zone);
            }
            ObjectNode retention = doc.has("retention") ? (ObjectNode) doc.get("retention") : doc.putObject("retention");
            if (keep != null) {
                retention.put("keepFor", keep);
            }
            if (keepLatest != null) {
                retention.put("keepLatest", keepLatest);
            }
            if (calendar != null) {
                var rules = retention.putArray("calendar");
                for (String rule : calendar) {
                    String[] parts = rule.split(":", 2);
                    if (parts.length != 2 || !parts[1].matches("\\d{1,9}")) {
                        throw new CofferException(ErrorCode.InvalidArgument, "--keep-first: '" + rule
                                + "' is not UNIT:COUNT, e.g. days:7, weeks:4, months:12, years:3");
                    }
                    rules.addObject().put("unit", parts[0]).put("count", Long.parseLong(parts[1]));
                }
            }
            if (immutable != null) {
                doc.put("immutable", immutable);
            }
            if (noReplication) {
                doc.putObject("replication").put("enabled", false);
            } else if (replicateTo != null || replicaKeep != null || replicaKey != null) {
                ObjectNode r = doc.putObject("replication").put("enabled", true);
                if (replicateTo != null && !replicateTo.isBlank()) {
                    String[] parts = replicateTo.split("/", 2);
                    r.put("destinationRegion", parts[0]);
                    r.put("destinationVault", parts.length > 1 ? parts[1] : null);
                }
                r.put("retention", replicaKeep);
                if (replicaKey != null) {
                    r.putObject("encryption").put("keyId", replicaKey);
                }
            }
            if (archiveAfter != null) {
                doc.putObject("archive").put("enabled", true).put("afterDays", archiveAfter);
            }
            if (crashConsistent && consistency.given()) {
                throw new CofferException(ErrorCode.InvalidArgument, "--crash-consistent excludes --app-consistent and its options");
            }
            if (crashConsistent) {
                doc.put("appConsistent", false);
            } else if (consistency.given()) {
                doc.set("appConsistent", coffer.engine.operation.OperationJson.tree(consistency.consistency()));
            }
            return doc;
        }
    }

    @Command(name = "create", description = "Create a policy.", mixinStandardHelpOptions = true)
    static final class Create implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "NAME") String name;
        @Mixin Fields fields;

        @Override
        public Integer call() {
            ObjectNode doc = Output.JSON.createObjectNode().put("name", name);
            JsonNode answer = server.require().post("/api/v1/policies", fields.apply(doc));
            show(common, answer, "Created");
            return 0;
        }
    }

    @Command(name = "edit", description = "Change a policy's fields (the others stay); its plans restart their schedule from now.",
            mixinStandardHelpOptions = true)
    static final class Edit implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "POLICY") String policy;
        @Option(names = "--name", paramLabel = "NAME", description = "Rename it.") String name;
        @Mixin Fields fields;

        @Override
        public Integer call() {
            ApiClient client = server.require();
            JsonNode current = client.get("/api/v1/policies/" + ApiClient.segment(policy));
            ObjectNode doc = Output.JSON.createObjectNode();
            for (String field : List.of("name", "schedule", "zone", "retention", "immutable", "replication", "archive",
                    "appConsistent")) {
                if (current.has(field)) {
                    doc.set(field, current.get(field).deepCopy());
                }
            }
            if (name != null) {
                doc.put("name", name);
            }
            JsonNode answer = client.put("/api/v1/policies/" + ApiClient.segment(current.path("id").asText()), fields.apply(doc));
            show(common, answer, "Edited");
            return 0;
        }
    }

    @Command(name = "list", description = "Policies.", mixinStandardHelpOptions = true)
    static final class ListPolicies implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;

        @Override
        public Integer call() {
            JsonNode answer = server.require().get("/api/v1/policies");
            if (common.json()) {
                Cli.out().json(answer);
                return 0;
            }
            Cli.out().line("%-14s %-20s %-28s %-8s %-9s %s", "ID", "NAME", "SCHEDULE", "KEEP", "IMMUTABLE", "PLANS");
            for (JsonNode p : answer.path("policies")) {
                Cli.out().line("%-14s %-20s %-28s %-8s %-9s %d", p.path("id").asText(), p.path("name").asText(),
                        p.path("schedule").asText(), p.path("retention").path("keepFor").asText(), p.path("immutable").asBoolean(),
                        p.path("plans").asInt());
            }
            return 0;
        }
    }

    @Command(name = "show", description = "One policy.", mixinStandardHelpOptions = true)
    static final class Show implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "POLICY") String policy;

        @Override
        public Integer call() {
            show(common, server.require().get("/api/v1/policies/" + ApiClient.segment(policy)), "Policy");
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a policy that no plan uses.", mixinStandardHelpOptions = true)
    static final class Delete implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "POLICY") String policy;

        @Override
        public Integer call() {
            JsonNode answer = server.require().delete("/api/v1/policies/" + ApiClient.segment(policy));
            if (common.json()) {
                Cli.out().json(answer);
            } else {
                Cli.out().line("Deleted policy %s (%s).", answer.path("name").asText(), answer.path("deleted").asText());
            }
            return 0;
        }
    }

    static void show(CommonOptions common, JsonNode p, String verb) {
        if (common.json()) {
            Cli.out().json(p);
            return;
        }
        Cli.out().line("%s policy %s (%s)", verb, p.path("name").asText(), p.path("id").asText());
        Cli.out().line("  schedule:    %s (first run %s, every %s, zone %s)", p.path("schedule").asText(),
                p.path("scheduleStart").asText(), p.path("scheduleInterval").asText(), p.path("zone").asText());
        Cli.out().line("  retention:   %s", p.path("retention"));
        Cli.out().line("  immutable:   %s", p.path("immutable").asBoolean());
        Cli.out().line("  replication: %s", p.path("replication"));
        Cli.out().line("  archive:     %s", p.path("archive"));
        JsonNode app = p.path("appConsistent");
        Cli.out().line("  consistency: %s", app.isObject() ? "application-consistent " + app : "crash-consistent");
        Cli.out().line("  plans:       %d", p.path("plans").asInt());
    }
}
