package coffer.engine.operation;

import coffer.engine.catalog.Token;

/**
 * The agent protocol's requests as a server receives them: with the agent token that authenticated each, which acts
 * for one host only (docs/design/agents.md, "Tokens bound to a host"). The host is checked where the operation reads
 * it: from the request (an announce, claim or heartbeat) or from the job it names (a report, end or adoption), read
 * once for the check and the operation.
 */
public interface AgentRequests {
    /**
     * Answers {@code request} (an {@link AnnounceAgent}, {@link ClaimAgentJob}, {@link HeartbeatAgent},
     * {@link ReportAgentJob}, {@link FinishAgentJob}, {@link AdoptInterruptedPoint} or {@link ReleaseAgentHost}) for {@code token};
     * {@code Forbidden} naming both hosts when it is for a host other than the token's.
     */
    <R> R callAs(Token token, Operation<R> request);
}
