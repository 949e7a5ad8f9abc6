package coffer.engine.operation;

import java.util.List;

/** The libvirt hosts. {@code count} is the list's length. */
public record HostList(List<coffer.engine.catalog.Host> hosts, int count) {
    public HostList {
        hosts = List.copyOf(hosts);
    }

    public static HostList of(List<coffer.engine.catalog.Host> hosts) {
        return new HostList(hosts, hosts.size());
    }
}
