/**
 * The operations offline ({@link coffer.engine.operation.offline.OfflineOperations}): on one vault and one
 * libvirt host, in the command's process, with the same records and results as through a server. What needs a
 * server's catalog is refused naming the mode that can. Must not know HTTP or picocli.
 */
package coffer.engine.operation.offline;
