package coffer.engine.operation;

import coffer.engine.error.Problems;

import java.util.List;

/**
 * An agent's heartbeat: the jobs it holds ({@code running}: claimed and not yet ended) are alive (stamped with the
 * server's clock) and its host seen. A running job claimed by the agent that its heartbeats stop naming (a claim whose
 * answer was lost with its server) is failed {@code WorkerLost} once past a short grace (docs/design/agents.md). The
 * answer names the held jobs whose cancellation was requested, and those no longer the agent's.
 */
public record HeartbeatAgent(String host, String agent, List<String> running) implements Operation<AgentBeat> {
    public HeartbeatAgent {
        Problems problems = new Problems();
        Rules.required(problems, "host", host, "the host's id");
        Rules.required(problems, "agent", agent, "the agent's worker id");
        if (running == null) {
            problems.add("running", "required: the jobs the agent runs (an empty list when none)");
        } else if (running.stream().anyMatch(id -> id == null || id.isBlank())) {
            problems.add("running", "a job id is empty");
        }
        problems.throwIfAny("agent heartbeat");
        running = List.copyOf(running);
    }
}
