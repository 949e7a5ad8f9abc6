package coffer.server.auth;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Hosts;
import coffer.engine.catalog.Token;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.job.Job;
import coffer.engine.operation.AdoptInterruptedPoint;
import coffer.engine.operation.AnnounceAgent;
import coffer.engine.operation.ClaimAgentJob;
import coffer.engine.operation.FinishAgentJob;
import coffer.engine.operation.HeartbeatAgent;
import coffer.engine.operation.ReportAgentJob;

import java.util.Optional;

/**
 * An agent token acts for one host (docs/design/agents.md, "Tokens bound to a host"): every agent request must be for
 * the token's host: the host an announce, claim or heartbeat names, the host of the job a report, end or adoption names.
 * A token bound to no host (made without {@code --host}, or before catalog V26) is bound by its first agent request to
 * the host it asks for, unless another live token holds that host. A mismatch is {@link ErrorCode#Forbidden}, naming
 * the token's host and the host asked for. An announce is also refused when its agent id serves another host (its
 * heartbeats would answer for that host's jobs). Thread-safe (the catalog is).
 */
public final class AgentTokenHosts {
    private final Catalog catalog;

    public AgentTokenHosts(Catalog catalog) {
        this.catalog = catalog;
    }

    /** Refuses {@code request} unless it is for {@code token}'s host (binding the token first if it has none). */
    public void check(Token token, Object request) {
        Optional<String> asked = hostAskedFor(request);
        if (asked.isEmpty()) {
            return; // a job that does not exist: the operation answers it (not found, or not accepted), changing nothing
        }
        String host = asked.get();
        Token bound = token.host() != null ? token : catalog.tokens().bindHost(token.id(), host);
        if (!host.equals(bound.host())) {
            throw new CofferException(ErrorCode.Forbidden, "agent token '" + token.name() + "' acts for host '"
                    + bound.host() + "' only; this request is for host '" + host + "'");
        }
        if (request instanceof AnnounceAgent announce) {
            Optional<Hosts.AgentSeen> elsewhere = catalog.hosts().agentServed().stream()
                    .filter(s -> s.agent().equals(announce.agent()) && !s.hostId().equals(host)).findFirst();
            if (elsewhere.isPresent()) {
                throw new CofferException(ErrorCode.Forbidden, "agent " + announce.agent() + " serves host '"
                        + elsewhere.get().hostId() + "'; agent token '" + token.name() + "' acts for host '" + host
                        + "' and cannot announce that agent for it");
            }
        }
    }

    private Optional<String> hostAskedFor(Object request) {
        return switch (request) {
            case AnnounceAgent a -> Optional.of(a.host());
            case ClaimAgentJob c -> Optional.of(c.host());
            case HeartbeatAgent h -> Optional.of(h.host());
            case ReportAgentJob r -> hostOfJob(r.job());
            case FinishAgentJob f -> hostOfJob(f.job());
            case AdoptInterruptedPoint a -> hostOfJob(a.job());
            default -> throw new IllegalArgumentException("not an agent request: " + request.getClass().getSimpleName());
        };
    }

    private Optional<String> hostOfJob(String jobId) {
        return catalog.jobs().find(jobId).map(Job::hostId);
    }
}
