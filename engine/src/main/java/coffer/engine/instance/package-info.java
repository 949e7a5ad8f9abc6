/**
 * Instance use cases on libvirt domains: discovery, backup of all chosen disks at one instant with
 * self-healing change tracking, restore of disks and instances, clone. Talks to libvirt through
 * {@code coffer.virt.libvirt.Libvirt}, to disks through NBD, to the vault through point writers and restorers.
 */
package coffer.engine.instance;
