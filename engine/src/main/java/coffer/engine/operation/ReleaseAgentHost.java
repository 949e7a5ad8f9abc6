package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * An agent stopping cleanly (SIGTERM, after its running jobs ended) hands its host over: the host stays agent-served
 * (the servers do not run its agents' jobs) but counts as unseen, so another agent's announce takes it at once
 * instead of after the stale limit (docs/design/agents.md, "One agent per host"). Done only while {@code agent} still
 * serves the host; the answer says whether it did ({@code accepted: false}: another agent serves it, or none).
 */
public record ReleaseAgentHost(String host, String agent) implements Operation<AgentAck> {
    public ReleaseAgentHost {
        Problems problems = new Problems();
        Rules.required(problems, "host", host, "the host's id");
        Rules.required(problems, "agent", agent, "the agent's worker id");
        problems.throwIfAny("agent release");
    }
}
