package coffer.engine.operation;

/**
 * The server's answer to an {@link AnnounceAgent}: the host as the catalog knows it, the server's Coffer version and
 * agent protocol (the agent checks them too), and how often the agent must heart-beat.
 */
public record AgentWelcome(String host, String version, int protocol, int heartbeatSeconds, int staleSeconds) {
}
