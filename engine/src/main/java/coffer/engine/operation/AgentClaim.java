package coffer.engine.operation;

import coffer.engine.catalog.JobRows;
import coffer.engine.job.Job;

/**
 * A claimed job (now running for the agent) and the catalog rows its handler reads ({@link JobRows}); both null when
 * there was nothing to claim.
 */
public record AgentClaim(Job job, JobRows rows) {
    public static final AgentClaim NONE = new AgentClaim(null, null);
}
