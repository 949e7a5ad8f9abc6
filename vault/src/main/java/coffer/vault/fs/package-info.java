/**
 * Local file-system building blocks shared by the vault's directory backend and the layers above it (a
 * backup's runtime directory, qemu-nbd's private directories): walking and deleting directory trees that
 * other processes change meanwhile, and the owner-only modes everything Coffer creates gets. Hand-written: the JDK's {@code Files.walk} ends a whole walk at the first
 * entry removed under it, and no small library does only this.
 */
package coffer.vault.fs;
