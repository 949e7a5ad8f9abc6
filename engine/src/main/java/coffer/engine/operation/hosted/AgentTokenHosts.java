package coffer.engine.operation.hosted;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Hosts;
import coffer.engine.catalog.Token;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.AnnounceAgent;

import java.util.Optional;

/**
 * An agent token acts for one host (docs/design/agents.md, "Tokens bound to a host"): every agent request must be for
 * the token's host: the host an announce, claim or heartbeat names, the host of the job a report, end or adoption names
 * ({@link HostedAgents} checks it with the job it reads for the operation, so the job is read once per request). A
 * token bound to no host (made without {@code --host}, or before catalog V26) is bound by its first agent request to the
 * host it asks for, unless another live token holds that host. A mismatch is {@link ErrorCode#Forbidden}, naming the
 * token's host and the host asked for. An announce is also refused when its agent id serves another host (its
 * heartbeats would answer for that host's jobs). A null token is an in-process caller (no HTTP request, nothing to
 * check). Thread-safe (the catalog is).
 */
final class AgentTokenHosts {
    private final Catalog catalog;

    AgentTokenHosts(Catalog catalog) {
        this.catalog = catalog;
    }

    /** Refuses an announce unless it is for {@code token}'s host and its agent id serves no other host. */
    void announce(Token token, AnnounceAgent announce) {
        if (token == null) {
            return;
        }
        forHost(token, announce.host());
        Optional<Hosts.AgentSeen> elsewhere = catalog.hosts().agentServed().stream()
                .filter(s -> s.agent().equals(announce.agent()) && !s.hostId().equals(announce.host())).findFirst();
        if (elsewhere.isPresent()) {
            throw new CofferException(ErrorCode.Forbidden, "agent " + announce.agent() + " serves host '"
                    + elsewhere.get().hostId() + "'; agent token '" + token.name() + "' acts for host '"
                    + announce.host() + "' and cannot announce that agent for it");
        }
    }

    /** Refuses a request for {@code host} unless it is {@code token}'s host (binding the token first if it has none). */
    void forHost(Token token, String host) {
        if (token == null) {
            return;
        }
        Token bound = token.host() != null ? token : catalog.tokens().bindHost(token.id(), host);
        if (!host.equals(bound.host())) {
            throw new CofferException(ErrorCode.Forbidden, "agent token '" + token.name() + "' acts for host '"
                    + bound.host() + "' only; this request is for host '" + host + "'");
        }
    }
}
