package coffer.engine.operation;

import coffer.engine.catalog.Hosts;

import java.util.List;

/**
 * The libvirt hosts. {@code count} is the list's length; {@code agents}: the hosts a {@code coffer agent} serves, with
 * its worker id and when it was last seen (docs/design/agents.md).
 */
public record HostList(List<coffer.engine.catalog.Host> hosts, int count, List<Hosts.AgentSeen> agents) {
    public HostList {
        hosts = List.copyOf(hosts);
        agents = agents == null ? List.of() : List.copyOf(agents);
    }

    public static HostList of(List<coffer.engine.catalog.Host> hosts) {
        return of(hosts, List.of());
    }

    public static HostList of(List<coffer.engine.catalog.Host> hosts, List<Hosts.AgentSeen> agents) {
        return new HostList(hosts, hosts.size(), agents);
    }
}
