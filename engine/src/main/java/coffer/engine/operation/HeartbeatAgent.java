package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * An agent's heartbeat: its running jobs are alive (stamped with the server's clock) and its host seen. The answer
 * names the agent's running jobs whose cancellation was requested.
 */
public record HeartbeatAgent(String host, String agent) implements Operation<AgentBeat> {
    public HeartbeatAgent {
        Problems problems = new Problems();
        Rules.required(problems, "host", host, "the host's id");
        Rules.required(problems, "agent", agent, "the agent's worker id");
        problems.throwIfAny("agent heartbeat");
    }
}
