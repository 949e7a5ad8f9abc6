/** Reading points back: restoring a disk into a sink with every chunk authenticated. */
package coffer.vault.read;
