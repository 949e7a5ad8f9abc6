package coffer.engine.operation;

import coffer.engine.error.Problems;

import java.util.List;

/**
 * Bind instances to a policy, one plan each (protecting an instance first when it is not: all disks, the vault
 * {@code vault} or the default). An instance bound to another policy needs {@code replace}, else PlanExists.
 * {@code name} names the plan (one instance only; default: a random readable name).
 */
public record BindPlan(String policy, List<String> instances, String name, Boolean replace, String vault)
        implements Operation<PlanList> {
    public BindPlan {
        Problems problems = new Problems();
        Rules.required(problems, "policy", policy, "the policy to bind to (id or name)");
        instances = Rules.references(problems, "instances", instances, "name at least one instance (UUID or name)");
        if (name != null && instances.size() > 1) {
            problems.add("name", "a plan name can be given only when binding one instance, got " + instances.size());
        }
        Rules.name(problems, "name", name, "");
        problems.throwIfAny("plan binding");
    }

    public boolean replacing() {
        return Rules.flag(replace);
    }
}
