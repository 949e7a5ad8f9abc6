package coffer.cli;

import coffer.engine.operation.BackupResult;
import coffer.engine.operation.BindPlan;
import coffer.engine.operation.DeletePlan;
import coffer.engine.operation.EditPlan;
import coffer.engine.operation.JobFollow;
import coffer.engine.operation.JobView;
import coffer.engine.catalog.Plan;
import coffer.engine.operation.ListPlans;
import coffer.engine.operation.PlanList;
import coffer.engine.operation.ResumePlan;
import coffer.engine.operation.RunPlan;
import coffer.engine.operation.ShowJob;
import coffer.engine.operation.ShowPlan;
import coffer.engine.operation.SuspendPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code coffer plan list|show|bind|edit|run|suspend|resume|delete} (needs a server): protection plans. */
@Command(name = "plan", description = "Protection plans: an instance bound to a policy (needs a server).",
        mixinStandardHelpOptions = true)
final class PlanCommand {
    static final String PLAN = "The plan's id or name.";

    @Command(name = "list", description = "Plans with their state, next run and last outcome; by name, filtered by the"
            + " server; every page unless --limit is given.", mixinStandardHelpOptions = true)
    static final class ListPlans_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Option(names = "--instance", paramLabel = "INSTANCE", description = "Only the plan of this instance (name or UUID).") String instance;
        @Option(names = "--policy", paramLabel = "POLICY", description = "Only the plans bound to this policy (id or name).") String policy;
        @Option(names = "--state", paramLabel = "STATE", description = "active, suspended or stopped (its instance released).") Plan.State state;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after this cursor (a previous page's next cursor).") String cursor;
        @Option(names = "--limit", paramLabel = "N", description = "One page of at most N plans (1-1000), with the cursor of the next.") Integer limit;

        @Override
        public Integer call() {
            ListPlans first = new ListPlans(instance, policy, state, cursor, limit);
            return Operate.callOneOrEveryPage(server, common, limit != null, first, PlanList::nextCursor, first::next,
                    pages -> PlanList.of(pages.stream().flatMap(page -> page.plans().stream()).toList()));
        }
    }

    @Command(name = "show", description = "One plan.", mixinStandardHelpOptions = true)
    static final class Show implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "PLAN", description = PLAN) String plan;

        @Override
        public Integer call() {
            return Operate.call(server, common, new ShowPlan(plan));
        }
    }

    @Command(name = "bind", description = "Bind instances to a policy (protecting them first if needed). An instance bound to another policy needs --replace.",
            mixinStandardHelpOptions = true)
    static final class Bind implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(index = "0", paramLabel = "POLICY", description = "The policy's id or name.") String policy;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "INSTANCE", description = "Instance names or UUIDs.") List<String> instances;
        @Option(names = "--name", paramLabel = "NAME", description = "The plan's name (one instance; default: a random readable one).") String name;
        @Option(names = "--replace", description = "Replace the instance's current policy.") boolean replace;
        @Option(names = "--target-vault", paramLabel = "NAME", description = "Vault of instances protected by this bind (default: the default vault).") String vault;

        @Override
        public Integer call() {
            return Operate.call(server, common, new BindPlan(policy, instances, name, replace, vault));
        }
    }

    @Command(name = "edit", description = "Rename a plan, or bind its instance to another policy.", mixinStandardHelpOptions = true)
    static final class Edit implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "PLAN", description = PLAN) String plan;
        @Option(names = "--name", paramLabel = "NAME", description = "The new name.") String name;
        @Option(names = "--policy", paramLabel = "POLICY", description = "Bind to this policy instead (the schedule restarts from now).") String policy;

        @Override
        public Integer call() {
            return Operate.call(server, common, new EditPlan(plan, name, policy));
        }
    }

    @Command(name = "run", description = "Run a plan now (a backup job; its schedule is unchanged).", mixinStandardHelpOptions = true)
    static final class Run implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "PLAN", description = PLAN) String plan;
        @Option(names = "--wait", description = "Wait for the job, with a progress bar, and show the backup's result.") boolean wait;

        @Override
        public Integer call() throws InterruptedException {
            HttpOperations operations = server.operations();
            JobView job = operations.call(new RunPlan(plan));
            return JobRun.follow(JobFollow.run(job, () -> operations.call(new ShowJob(job.id())), BackupResult.class), common,
                    wait, "plan " + plan);
        }
    }

    @Command(name = "suspend", description = "Suspend a plan: due runs are not started (the plan shows PlanSuspended).", mixinStandardHelpOptions = true)
    static final class Suspend implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "PLAN", description = PLAN) String plan;

        @Override
        public Integer call() {
            return Operate.call(server, common, new SuspendPlan(plan));
        }
    }

    @Command(name = "resume", description = "Resume a plan from its next slot.", mixinStandardHelpOptions = true)
    static final class Resume implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "PLAN", description = PLAN) String plan;

        @Override
        public Integer call() {
            return Operate.call(server, common, new ResumePlan(plan));
        }
    }

    @Command(name = "delete", description = "Delete a plan; its points are kept.", mixinStandardHelpOptions = true)
    static final class Delete implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "PLAN", description = PLAN) String plan;

        @Override
        public Integer call() {
            return Operate.call(server, common, new DeletePlan(plan));
        }
    }
}
