package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * An agent asks for the next job it runs on its host (the oldest queued one of the types agents run), at most
 * {@code perHostLimit} running on the host. A long poll: when there is none, the server waits up to
 * {@code waitSeconds} (at most {@link #MAX_WAIT_SECONDS}; null or 0: answers at once) for one to be queued and answers
 * as soon as it claimed it; the answer names none when the wait ended empty (the agent asks again).
 */
public record ClaimAgentJob(String host, String agent, int perHostLimit, Integer waitSeconds)
        implements Operation<AgentClaim>, LongPoll {
    /** The longest a claim waits on the server: below the HTTP idle timeouts (30 s) of servers and proxies. */
    public static final int MAX_WAIT_SECONDS = 25;

    public ClaimAgentJob {
        Problems problems = new Problems();
        Rules.required(problems, "host", host, "the host's id");
        Rules.required(problems, "agent", agent, "the agent's worker id");
        if (perHostLimit < 1) {
            problems.add("perHostLimit", "at least 1, got " + perHostLimit);
        }
        if (waitSeconds != null && (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS)) {
            problems.add("waitSeconds", "0 to " + MAX_WAIT_SECONDS + ", got " + waitSeconds);
        }
        problems.throwIfAny("agent claim");
    }

    /** A claim answered at once. */
    public ClaimAgentJob(String host, String agent, int perHostLimit) {
        this(host, agent, perHostLimit, null);
    }
}
