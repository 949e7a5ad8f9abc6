/** The seams through which disks enter and leave the vault: sources, sinks, extents and progress. */
package coffer.vault.io;
