package coffer.engine.agent;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

/**
 * The version handshake of agents and servers (docs/design/agents.md "Versions"): each side sends its Coffer version
 * and agent protocol, and each refuses the other when either differs ({@link ErrorCode#AgentVersionMismatch}), before
 * any job is claimed. Stateless.
 */
public final class AgentProtocol {
    /**
     * The agent protocol: the agent endpoints, their records and the job rows they carry. 2: heartbeats name the jobs
     * the agent holds, claims wait (long polls). 3: claims carry an id chosen by the agent, a claim sent again with
     * it answers the job it took (idempotent claims); mounts and instant restores run on the agent, a mount's rows
     * carried by a report's and an end's {@code mounts}. 4: a plan's retry asks for the point its interrupted run
     * committed ({@code AdoptInterruptedPoint}). 5: the announce carries the agent's identity; a host another live
     * agent serves is refused {@code AgentHostTaken}, and so are a displaced agent's claims and heartbeats.
     */
    public static final int PROTOCOL = 5;
    /** This build's Coffer version (the one {@code coffer --version} prints). */
    public static final String VERSION = "0.1.0";

    private AgentProtocol() {
    }

    /**
     * Refuses a peer of another version or protocol. {@code peer} names it for the message ("agent edge-1:4711:ab"
     * or "server http://…"); {@code self} says who refuses ("this server", "this agent").
     */
    public static void requireSame(String peer, String version, int protocol, String self) {
        if (!VERSION.equals(version) || protocol != PROTOCOL) {
            throw new CofferException(ErrorCode.AgentVersionMismatch, peer + " is Coffer " + version + " (agent protocol "
                    + protocol + "); " + self + " is Coffer " + VERSION + " (agent protocol " + PROTOCOL
                    + "): agents and servers of different versions refuse each other");
        }
    }
}
