/**
 * Binding C functions with the FFM API on their first call ({@link coffer.vault.ffm.Downcall}), for every binding
 * of a C library in Coffer: libcrypto and libc here in the vault, libvirt, libguestfs and libc in {@code coffer.virt}.
 * Each binding keeps its own function table, error conventions and memory ownership rules; those that bind functions
 * with shapes wider than their prototypes do so only where {@link coffer.vault.ffm.CallShapes} says it is safe.
 * Hand-written: it is a few lines over the JDK's {@link java.lang.foreign.Linker}, which no library wraps this way.
 */
package coffer.vault.ffm;
