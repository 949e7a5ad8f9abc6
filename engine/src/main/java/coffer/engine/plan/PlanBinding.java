package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.catalog.Plan;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;

import java.util.Optional;
import java.util.UUID;

/**
 * The plan lifecycle people drive: bind a protected instance to a policy (a second binding replaces the
 * first only when asked: else {@code PlanExists}), run now, suspend, resume, rename, delete (points kept,
 * pinned to the expiry their rules gave them: {@link PointLifecycle#detachPlan}). Thread-safe.
 */
public final class PlanBinding {
    private final Catalog catalog;
    private final PlanScheduler scheduler;
    private final PointLifecycle points;

    public PlanBinding(Catalog catalog, PlanScheduler scheduler, PointLifecycle points) {
        this.catalog = catalog;
        this.scheduler = scheduler;
        this.points = points;
    }

    /** Binds the (protected) instance to the policy; {@code name} null gives a random readable one. */
    public Plan bind(Instance instance, StoredPolicy policy, String name, boolean replace) {
        requireLive(instance, null);
        Optional<Plan> existing = catalog.plans().findByInstance(instance.id());
        if (existing.isEmpty()) {
            String id = "plan-" + UUID.randomUUID().toString().substring(0, 8);
            return catalog.plans().create(id, name != null ? name : PlanNames.random(), instance.id(), policy.id(),
                    scheduler.firstRun(id, policy.policy().schedule()));
        }
        Plan plan = existing.get();
        if (!replace && !plan.policyId().equals(policy.id())) {
            String current = catalog.policies().find(plan.policyId()).map(StoredPolicy::name).orElse(plan.policyId());
            throw new CofferException(ErrorCode.PlanExists, "instance '" + instance.name() + "' is bound to policy '"
                    + current + "' by plan '" + plan.name() + "'; an instance has one policy: bind with replace=true "
                    + "(coffer plan bind --replace) to bind it to '" + policy.name() + "' instead");
        }
        if (!plan.policyId().equals(policy.id())) {
            points.detachPlan(instance.id());
            plan = catalog.plans().rebind(plan.id(), policy.id(), scheduler.firstRun(plan.id(), policy.policy().schedule()))
                    .orElseThrow();
        }
        return name == null || name.equals(plan.name()) ? plan : catalog.plans().rename(plan.id(), name).orElseThrow();
    }

    /** Queues a backup of the plan now; its schedule is unchanged. */
    public Job runNow(Plan plan) {
        Instance instance = catalog.instances().find(plan.instanceId()).orElse(null);
        requireLive(instance, plan);
        if (plan.state() != Plan.State.active) {
            throw new CofferException(ErrorCode.PlanSuspended, "plan '" + plan.name() + "' is suspended; resume it to run it");
        }
        StoredPolicy policy = policy(plan);
        var now = scheduler.clock().instant();
        return catalog.plans().queueNow(plan.id(), PlanScheduler.backup(catalog.protections().find(plan.instanceId())
                        .orElse(null), plan, policy, "now " + now, 0), instance.hostId(), now)
                .orElseThrow(() -> new CofferException(ErrorCode.PlanSuspended, "plan '" + plan.name() + "' is not active"));
    }

    public Plan suspend(Plan plan) {
        if (plan.state() == Plan.State.stopped) {
            requireLive(catalog.instances().find(plan.instanceId()).orElse(null), plan);
        }
        return catalog.plans().setState(plan.id(), Plan.State.suspended, plan.nextRun(), plan.lastOutcome()).orElseThrow();
    }

    /** Active again from the next slot after now (runs missed while suspended are not caught up). */
    public Plan resume(Plan plan) {
        requireLive(catalog.instances().find(plan.instanceId()).orElse(null), plan);
        return catalog.plans().setState(plan.id(), Plan.State.active,
                scheduler.nextRun(plan.id(), policy(plan).policy().schedule()), null).orElseThrow();
    }

    /** Deletes the plan; its points are kept, pinned to the expiry their rules gave them. */
    public int delete(Plan plan) {
        int pinned = points.detachPlan(plan.instanceId());
        catalog.plans().delete(plan.id());
        return pinned;
    }

    /** Stop protection: the instance leaves the protected list, its plans are deleted, its points kept. */
    public boolean stopProtection(String instanceId) {
        catalog.plans().findByInstance(instanceId).ifPresent(this::delete);
        return catalog.protections().remove(instanceId);
    }

    private StoredPolicy policy(Plan plan) {
        return catalog.policies().find(plan.policyId()).orElseThrow(() -> new CofferException(ErrorCode.ResourceNotFound,
                "plan '" + plan.name() + "' names policy " + plan.policyId() + ", which does not exist"));
    }

    private void requireLive(Instance instance, Plan plan) {
        if (instance == null || instance.gone()) {
            String what = instance == null ? "the instance of plan '" + plan.name() + "'"
                    : "instance '" + instance.name() + "' (" + instance.id() + ")";
            throw new CofferException(ErrorCode.InstanceReleased, what + " no longer exists on its host"
                    + (plan == null ? "" : "; plan '" + plan.name() + "' does not run"));
        }
    }
}
