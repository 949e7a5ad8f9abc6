package coffer.engine.operation;

import coffer.engine.catalog.PointRecord;
import coffer.engine.error.Problems;
import coffer.engine.job.JobState;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * How an agent's job ended: its final state, the result record (succeeded) or error code and message, and the point
 * rows the handler wrote into the agent's working catalog (the server indexes them before it ends the job, so a
 * succeeded backup's point is listed as soon as its job shows succeeded), and the end of the replication it ran (done
 * with its replica, or failed with the reason and the next attempt), and the change sample and alerts its backup's
 * judging recorded (docs/design/assurance.md), the group point a group backup or clone recorded, and the restore drill
 * a drill recorded, and the mount a mount job served (ended; agent protocol 3), which the server records before the
 * job's end.
 */
public record FinishAgentJob(String job, String agent, JobState state, JsonNode result, String errorCode,
                             String errorMessage, List<PointRecord> points,
                             List<coffer.engine.catalog.ReplicationRecord> replications,
                             List<coffer.engine.catalog.ChangeSample> samples,
                             List<coffer.engine.catalog.ChangeAlert> alerts,
                             List<coffer.engine.catalog.GroupPointRecord> groupPoints,
                             List<coffer.engine.catalog.DrillRun> drillRuns,
                             List<coffer.engine.catalog.MountRecord> mounts) implements Operation<AgentAck> {
    public FinishAgentJob {
        Problems problems = new Problems();
        Rules.required(problems, "job", job, "the job's id");
        Rules.required(problems, "agent", agent, "the agent's worker id");
        if (state == null || state == JobState.queued || state == JobState.running) {
            problems.add("state", "one of succeeded, failed, cancelled, got " + state);
        } else if (state != JobState.succeeded && errorCode == null) {
            problems.add("errorCode", "required for a " + state + " job");
        }
        problems.throwIfAny("agent job end");
        points = points == null ? List.of() : List.copyOf(points);
        replications = replications == null ? List.of() : List.copyOf(replications);
        samples = samples == null ? List.of() : List.copyOf(samples);
        alerts = alerts == null ? List.of() : List.copyOf(alerts);
        groupPoints = groupPoints == null ? List.of() : List.copyOf(groupPoints);
        drillRuns = drillRuns == null ? List.of() : List.copyOf(drillRuns);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
    }
}
