package coffer.engine.operation;

/** The libvirt hosts the server manages. */
public record ListHosts() implements Operation<HostList> {}
