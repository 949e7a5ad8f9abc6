package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.StoredPolicy;
import coffer.engine.job.Job;
import coffer.engine.job.JobContext;
import coffer.engine.job.JobHandler;
import coffer.engine.job.JobType;
import coffer.engine.job.handler.PlanPointFields;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.Map;

/**
 * Wraps the backup handler: a job queued by a plan carries {@code "plan": {"id", "policy", "slot",
 * "coalesced"}} in its parameters; this decorator hands the backup the rest, then marks the new point as the
 * plan's (origin POLICY, immutable when its policy is). After every successful backup (a plan's or a manual
 * one) it sweeps the instance's expired points. A failing sweep is a warning on the job, never a failed
 * backup. Thread-safe.
 */
public final class PlanBackup implements JobHandler {
    /** The parameter a plan's run adds to a backup job. */
    public static final String PLAN = "plan";

    private final JobHandler backup;
    private final Catalog catalog;
    private final RetentionSweep sweep;

    public PlanBackup(JobHandler backup, Catalog catalog, RetentionSweep sweep) {
        this.backup = backup;
        this.catalog = catalog;
        this.sweep = sweep;
    }

    /** The handlers with the backup handler wrapped. */
    public static Map<JobType, JobHandler> wrap(Map<JobType, JobHandler> handlers, Catalog catalog, RetentionSweep sweep) {
        Map<JobType, JobHandler> wrapped = new HashMap<>(handlers);
        wrapped.put(JobType.backup, new PlanBackup(handlers.get(JobType.backup), catalog, sweep));
        return Map.copyOf(wrapped);
    }

    @Override
    public JsonNode run(Job job, JobContext context) throws Exception {
        JsonNode run = job.params() == null ? null : job.params().get(PLAN);
        JsonNode result;
        if (run == null) {
            result = backup.run(job, context);
        } else {
            String policyId = run.path("policy").asText();
            boolean immutable = catalog.policies().find(policyId).map(StoredPolicy::policy).map(p -> p.immutable()).orElse(false);
            ObjectNode params = job.params().deepCopy();
            params.remove(PLAN);
            // the plan's facts go into the manifest too: a catalog rebuilt from the vault keeps them
            params.put(PlanPointFields.PLAN_ID, run.path("id").asText()).put(PlanPointFields.POLICY_ID, policyId)
                    .put(PlanPointFields.POLICY_IMMUTABLE, immutable);
            result = backup.run(new Job(job.id(), job.type(), job.target(), job.hostId(), job.state(), params,
                    job.createdAt(), job.startedAt(), job.finishedAt(), job.heartbeatAt(), job.bytesDone(), job.bytesTotal(),
                    job.bytesPerSecond(), job.etaSeconds(), job.cancelRequested(), job.result(), job.errorCode(),
                    job.errorMessage()), context);
            catalog.pointRetentions().markPolicy(result.path("point").asText(), run.path("id").asText(), policyId, immutable);
            if (immutable && !sweep.holdInVault(result.path("point").asText())) {
                context.warning("the vault could not record that point " + result.path("point").asText()
                        + " is immutable (the catalog still refuses to delete it; see the server log)");
            }
            context.info("point " + result.path("point").asText() + " made by plan " + run.path("id").asText()
                    + " for its " + run.path("slot").asText() + " run" + (run.path("coalesced").asLong() > 0
                    ? " (" + run.path("coalesced").asLong() + " missed run(s) folded into it)" : "")
                    + (immutable ? "; immutable until it expires" : ""));
        }
        try {
            RetentionSweep.Report report = sweep.sweep(job.target());
            if (!report.deleted().isEmpty()) {
                context.info("retention deleted " + report.deleted().size() + " expired point(s): " + report.deleted());
            }
            report.failures().forEach(f -> context.warning("retention: " + f));
        } catch (RuntimeException e) {
            context.warning("retention could not run after the backup: " + e.getMessage());
        }
        return result;
    }
}
