package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * An agent asks for the next job it runs on its host (the oldest queued one of the types agents run), at most
 * {@code perHostLimit} running on the host. A long poll: when there is none, the server waits up to
 * {@code waitSeconds} (at most {@link #MAX_WAIT_SECONDS}; null or 0: answers at once) for one to be queued and answers
 * as soon as it claimed it; the answer names none when the wait ended empty (the agent asks again).
 *
 * <p>{@code claimId} (agent protocol 3), chosen by the agent for this claim (a UUID), makes it idempotent: the server
 * records it on the job it claims, and the same claim sent again (its answer was lost: the connection dropped or the
 * server died after claiming) answers that job again instead of claiming another (docs/design/agents.md "Claims").
 * Null: not repeatable.
 */
public record ClaimAgentJob(String host, String agent, int perHostLimit, Integer waitSeconds, String claimId)
        implements Operation<AgentClaim>, LongPoll {
    /** The longest a claim waits on the server: below the HTTP idle timeouts (30 s) of servers and proxies. */
    public static final int MAX_WAIT_SECONDS = 25;
    /** A claim id: letters, digits, '-', '_', '.', ':' (a UUID), 1 to 64 of them. */
    private static final java.util.regex.Pattern CLAIM_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,64}");

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
        if (claimId != null && !CLAIM_ID.matcher(claimId).matches()) {
            problems.add("claimId", "1 to 64 letters, digits, '-', '_', '.' or ':' (a UUID), got '"
                    + (claimId.length() > 80 ? claimId.substring(0, 80) + "…" : claimId) + "'");
        }
        problems.throwIfAny("agent claim");
    }

    /** A claim with no id: its answer, when lost, cannot be asked for again. */
    public ClaimAgentJob(String host, String agent, int perHostLimit, Integer waitSeconds) {
        this(host, agent, perHostLimit, waitSeconds, null);
    }

    /** A claim answered at once. */
    public ClaimAgentJob(String host, String agent, int perHostLimit) {
        this(host, agent, perHostLimit, null, null);
    }
}
