/**
 * Replication and disaster recovery use cases (docs/design/replication.md): copying a point to a vault of another
 * region ({@link coffer.engine.replication.PointReplication}, over the vault's
 * {@link coffer.vault.replicate.PointReplicator}), the facts a replica records of its source
 * ({@link coffer.engine.replication.ReplicaFacts}), the rule's encryption checked against the destination
 * ({@link coffer.engine.replication.ReplicaEncryption}), each point's replication status in the catalog and its retries
 * ({@link coffer.engine.replication.TrackedReplication}, {@link coffer.engine.replication.RetryBackoff}); the jobs that
 * run them, queued after backups, on request and for retries, their destinations checked
 * ({@link coffer.engine.replication.ReplicationQueue}); the regions a server declares, with their vaults and hosts
 * ({@link coffer.engine.replication.Regions}).
 * A disaster recovery restore is {@link coffer.engine.instance.InstanceRestore} on a host of the destination region with
 * {@link coffer.engine.instance.NewInstance} overrides.
 *
 * <p>Knows no HTTP and no command line: {@code ReplicationQueue} queues typed operation records as job rows, a job
 * handler ({@code ReplicateHandler}, {@code CloneHandler}) runs them.
 */
package coffer.engine.replication;
