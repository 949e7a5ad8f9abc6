package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * What an agent's running job reports: a log line ({@code level} and {@code message}), its progress
 * ({@code bytesDone} etc.), or both; with a log line of a mount job, the mount's row as the agent's working catalog has
 * it ({@code mounts}: made, attached; agent protocol 3), so the servers list a mount the agent serves. Refused when the
 * job does not run for this agent (it was found lost).
 */
public record ReportAgentJob(String job, String agent, String level, String message, Long bytesDone, Long bytesTotal,
                             Long bytesPerSecond, Long etaSeconds,
                             java.util.List<coffer.engine.catalog.MountRecord> mounts) implements Operation<AgentAck> {
    public ReportAgentJob {
        Problems problems = new Problems();
        Rules.required(problems, "job", job, "the job's id");
        Rules.required(problems, "agent", agent, "the agent's worker id");
        if ((level == null) != (message == null)) {
            problems.add("level", "a log line has both a level and a message");
        }
        if (bytesDone != null && (bytesTotal == null || bytesPerSecond == null || etaSeconds == null)) {
            problems.add("bytesDone", "progress has bytesDone, bytesTotal, bytesPerSecond and etaSeconds");
        }
        problems.throwIfAny("agent job report");
        mounts = mounts == null ? java.util.List.of() : java.util.List.copyOf(mounts);
    }
}
