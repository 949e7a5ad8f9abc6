/**
 * libvirt domain definitions as data: which disks a domain has, which of them can be backed up (and why
 * not), the rewritten definition a restored or cloned instance is defined from, and the node file of a domain of
 * libvirt's test driver ({@link coffer.virt.domain.TestDriverDomain}). Pure XML work with the JDK's DOM parser; knows nothing of the
 * libvirt connection, the vault or policies.
 */
package coffer.virt.domain;
