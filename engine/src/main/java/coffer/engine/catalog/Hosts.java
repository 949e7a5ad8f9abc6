package coffer.engine.catalog;

import java.util.List;
import java.util.Optional;

/** The libvirt hosts. */
public interface Hosts {
    /** Adds the host, or returns the existing one with that URI. */
    Host ensure(String id, String uri);

    List<Host> list();

    /**
     * Writes the configuration's {@code region} of host {@code id} (its {@code hosts.region}, V15), and when it changes,
     * into that host's jobs (a job's region is its host's); returns whether it changed. An unknown host: false.
     */
    boolean place(String id, String region);

    Optional<Host> find(String id);

    /** Which agent serves a host, and when it last announced itself or heart-beat (docs/design/agents.md). */
    record AgentSeen(String hostId, String agent, java.time.Instant seenAt) {
    }

    /**
     * Marks the host served by the agent {@code agent} (its worker id) as seen at {@code now}: the agents' jobs on it
     * are then claimed by that agent only ({@link coffer.engine.job.Jobs#claimForAgent}).
     */
    void serveByAgent(String id, String agent, java.time.Instant now);

    /**
     * Gives the host to the agent {@code agent} (its worker id) of identity {@code identity} (the name it keeps on its
     * host across restarts; null: not said), seen at {@code now}, unless another agent serves it and is alive: one of
     * another identity (or when either says none) whose last announce or heartbeat is at or after {@code staleBefore}
     * (docs/design/agents.md, "One agent per host"). One conditional statement, so of two agents announcing at once
     * one wins. Empty when the host is now {@code agent}'s; else the agent that keeps it.
     *
     * @throws coffer.engine.error.CofferException InvalidArgument when the catalog has no such host
     */
    Optional<AgentSeen> takeForAgent(String id, String agent, String identity, java.time.Instant now,
                                     java.time.Instant staleBefore);

    /**
     * Marks the host seen at {@code now} when agent {@code agent} serves it (its claim or heartbeat), in one statement;
     * false when it does not (another agent took it, or none serves it).
     */
    boolean seenAgent(String id, String agent, java.time.Instant now);

    /**
     * Hands the host over when agent {@code agent} serves it (it stops cleanly): it stays agent-served, unseen, so
     * another agent's {@link #takeForAgent} takes it at once. One statement; false when {@code agent} does not serve it.
     */
    boolean releaseAgent(String id, String agent);

    /** The hosts agents serve. */
    List<AgentSeen> agentServed();

    /**
     * The vaults the host's agent reaches (those of its configuration it can open, as it announced them; null: not
     * said), and the host's queued jobs of the types agents run decided again (docs/design/agents.md, "Which jobs an
     * agent runs").
     */
    default void agentVaults(String id, List<String> vaults) {
        agentVaults(id, vaults, null);
    }

    /**
     * {@link #agentVaults(String, List)}, with the vault the agent uses for a job naming none ({@code defaultVault}, its
     * configuration's default; null: not said): a backup naming no vault is judged by it.
     */
    void agentVaults(String id, List<String> vaults, String defaultVault);
}
