package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * An agent asks for the next job it runs on its host (the oldest queued one of the types agents run), at most
 * {@code perHostLimit} running on the host. The answer names none when there is none (the agent asks again).
 */
public record ClaimAgentJob(String host, String agent, int perHostLimit) implements Operation<AgentClaim> {
    public ClaimAgentJob {
        Problems problems = new Problems();
        Rules.required(problems, "host", host, "the host's id");
        Rules.required(problems, "agent", agent, "the agent's worker id");
        if (perHostLimit < 1) {
            problems.add("perHostLimit", "at least 1, got " + perHostLimit);
        }
        problems.throwIfAny("agent claim");
    }
}
