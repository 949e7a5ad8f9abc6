/**
 * The few lines every FFM binding of a C library here needs ({@code coffer.virt.libvirt}, {@code coffer.virt.guestfs}):
 * calling a function bound on first use ({@link coffer.vault.ffm.Downcall}) with one typed overload per argument
 * shape (libguestfs; libvirt binds all its functions with one shape of its own, {@code coffer.virt.libvirt.WordCalls}),
 * and reading C strings. Each binding keeps its own function table,
 * error conventions and memory ownership rules; FFM types do not leave those packages and this one.
 */
package coffer.virt.ffm;
