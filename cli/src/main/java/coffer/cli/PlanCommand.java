package coffer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code coffer plan list|show|bind|run|suspend|resume|delete} (server only): protection plans. */
@Command(name = "plan", description = "Protection plans: an instance bound to a policy (needs a server).",
        mixinStandardHelpOptions = true, subcommands = {PlanCommand.ListPlans.class, PlanCommand.Show.class,
        PlanCommand.Bind.class, PlanCommand.Run.class, PlanCommand.Suspend.class, PlanCommand.Resume.class,
        PlanCommand.Delete.class})
final class PlanCommand {

    @Command(name = "list", description = "Plans with their state, next run and last outcome.", mixinStandardHelpOptions = true)
    static final class ListPlans implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;

        @Override
        public Integer call() {
            JsonNode answer = server.require().get("/api/v1/plans");
            if (common.json()) {
                Cli.out().json(answer);
                return 0;
            }
            Cli.out().line("%-14s %-24s %-18s %-14s %-10s %-21s %s", "ID", "NAME", "INSTANCE", "POLICY", "STATE", "NEXT RUN", "LAST");
            for (JsonNode p : answer.path("plans")) {
                Cli.out().line("%-14s %-24s %-18s %-14s %-10s %-21s %s", p.path("id").asText(), p.path("name").asText(),
                        p.path("instanceName").asText(), p.path("policyName").asText(), p.path("state").asText(),
                        p.path("nextRun").asText("-"), p.path("lastOutcome").path("code").asText(""));
            }
            return 0;
        }
    }

    @Command(name = "show", description = "One plan.", mixinStandardHelpOptions = true)
    static final class Show implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "PLAN") String plan;

        @Override
        public Integer call() {
            show(common, server.require().get("/api/v1/plans/" + ApiClient.segment(plan)));
            return 0;
        }
    }

    @Command(name = "bind", description = "Bind instances to a policy (protecting them first if needed). An instance bound to another policy needs --replace.",
            mixinStandardHelpOptions = true)
    static final class Bind implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(index = "0", paramLabel = "POLICY") String policy;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "INSTANCE") List<String> instances;
        @Option(names = "--name", paramLabel = "NAME", description = "The plan's name (one instance; default: a random readable one).") String name;
        @Option(names = "--replace", description = "Replace the instance's current policy.") boolean replace;
        @Option(names = "--target-vault", paramLabel = "NAME", description = "Vault of instances protected by this bind.") String vault;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("policy", policy);
            body.put("instances", instances);
            if (name != null) {
                body.put("name", name);
            }
            body.put("replace", replace);
            if (vault != null) {
                body.put("vault", vault);
            }
            JsonNode answer = server.require().post("/api/v1/plans", body);
            if (common.json()) {
                Cli.out().json(answer);
            } else {
                for (JsonNode p : answer.path("plans")) {
                    Cli.out().line("Plan %s (%s): %s bound to policy %s, next run %s", p.path("name").asText(), p.path("id").asText(),
                            p.path("instanceName").asText(), p.path("policyName").asText(), p.path("nextRun").asText());
                }
            }
            return 0;
        }
    }

    @Command(name = "run", description = "Run a plan now (a backup job; --wait follows it).", mixinStandardHelpOptions = true)
    static final class Run implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "PLAN") String plan;
        @Option(names = "--wait", description = "Wait for the job, with a progress bar.") boolean wait;

        @Override
        public Integer call() throws InterruptedException {
            ApiClient client = server.require();
            JsonNode job = client.post("/api/v1/plans/" + ApiClient.segment(plan) + "/run", Map.of());
            return JobWait.follow(client, job, wait, common, "plan " + plan);
        }
    }

    @Command(name = "suspend", description = "Suspend a plan: due runs are not started (the plan shows PlanSuspended).", mixinStandardHelpOptions = true)
    static final class Suspend implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "PLAN") String plan;

        @Override
        public Integer call() {
            show(common, server.require().post("/api/v1/plans/" + ApiClient.segment(plan) + "/suspend", Map.of()));
            return 0;
        }
    }

    @Command(name = "resume", description = "Resume a plan from its next slot.", mixinStandardHelpOptions = true)
    static final class Resume implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "PLAN") String plan;

        @Override
        public Integer call() {
            show(common, server.require().post("/api/v1/plans/" + ApiClient.segment(plan) + "/resume", Map.of()));
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a plan; its points are kept.", mixinStandardHelpOptions = true)
    static final class Delete implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "PLAN") String plan;

        @Override
        public Integer call() {
            JsonNode answer = server.require().delete("/api/v1/plans/" + ApiClient.segment(plan));
            if (common.json()) {
                Cli.out().json(answer);
            } else {
                Cli.out().line("Deleted plan %s; %d point(s) kept.", answer.path("name").asText(), answer.path("pointsKept").asInt());
            }
            return 0;
        }
    }

    static void show(CommonOptions common, JsonNode p) {
        if (common.json()) {
            Cli.out().json(p);
            return;
        }
        Cli.out().line("Plan %s (%s): %s bound to policy %s", p.path("name").asText(), p.path("id").asText(),
                p.path("instanceName").asText(), p.path("policyName").asText());
        Cli.out().line("  state:    %s, next run %s", p.path("state").asText(), p.path("nextRun").asText("-"));
        JsonNode last = p.path("lastOutcome");
        if (!last.isMissingNode()) {
            Cli.out().line("  last:     [%s] %s", last.path("code").asText(), last.path("message").asText());
            if (last.hasNonNull("remedy")) {
                Cli.out().line("  what to do: %s", last.path("remedy").asText());
            }
        }
    }
}
