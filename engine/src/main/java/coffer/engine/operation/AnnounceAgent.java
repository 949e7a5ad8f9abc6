package coffer.engine.operation;

import coffer.engine.catalog.Instance;
import coffer.engine.error.Problems;

import java.util.List;

/**
 * A {@code coffer agent} says who it is (docs/design/agents.md): the host it serves (its id and libvirt URI), its
 * worker id, its Coffer version and agent protocol, and the instances it found on the host. The server refuses
 * another version ({@code AgentVersionMismatch}), else marks the host served by this agent and takes its instances.
 * Sent at the agent's start and again every minute.
 *
 * @param vaults       the vaults of its configuration it can open now (null: not said)
 * @param defaultVault the vault it uses for a job naming none (its configuration's default vault, announced or not);
 *                     null: not said, such a job is judged by no vault
 * @param identity     the agent's identity (agent protocol 5): a name it keeps in its data directory across restarts.
 *                     An announce of the identity serving the host takes it at once (the agent restarted); one of
 *                     another identity is refused {@code AgentHostTaken} while the host's agent is alive
 *                     (docs/design/agents.md, "One agent per host"). Null: not said
 */
public record AnnounceAgent(String host, String uri, String agent, String version, int protocol, List<Instance> instances,
                            List<String> vaults, String defaultVault, String identity)
        implements Operation<AgentWelcome> {
    private static final java.util.regex.Pattern IDENTITY = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    /** An announce that does not say its default vault. */
    public AnnounceAgent(String host, String uri, String agent, String version, int protocol, List<Instance> instances,
                         List<String> vaults) {
        this(host, uri, agent, version, protocol, instances, vaults, null);
    }

    /** An announce that names no identity (a client before agent protocol 5): it takes only a host no live agent of an identity serves. */
    public AnnounceAgent(String host, String uri, String agent, String version, int protocol, List<Instance> instances,
                         List<String> vaults, String defaultVault) {
        this(host, uri, agent, version, protocol, instances, vaults, defaultVault, null);
    }

    public AnnounceAgent {
        // the vaults of its configuration it can open now; null: not said (a client other than coffer agent): its
        // backups and restores stay the agent's whatever their vault, and no job placed per job is its
        vaults = vaults == null ? null : List.copyOf(vaults);
        Problems problems = new Problems();
        Rules.name(problems, "host", host, "the host's id");
        Rules.required(problems, "uri", uri, "the host's libvirt URI");
        Rules.required(problems, "agent", agent, "the agent's worker id");
        Rules.required(problems, "version", version, "the agent's Coffer version");
        if (identity != null && !IDENTITY.matcher(identity).matches()) {
            problems.add("identity", "1 to 64 letters, digits, '-', '_', '.' or ':' (the agent's identity, a UUID), got '"
                    + (identity.length() > 80 ? identity.substring(0, 80) + "…" : identity) + "'");
        }
        if (defaultVault != null) {
            Rules.name(problems, "defaultVault", defaultVault, "the agent's default vault");
        }
        if (instances == null) {
            problems.add("instances", "required, the host's instances (may be empty)");
        } else {
            instances.stream().filter(i -> i.hostId() == null || !i.hostId().equals(host)).findFirst()
                    .ifPresent(i -> problems.add("instances", "instance " + i.id() + " names host " + i.hostId()
                            + ", not the announced host " + host));
        }
        problems.throwIfAny("agent announce");
        instances = List.copyOf(instances);
    }
}
