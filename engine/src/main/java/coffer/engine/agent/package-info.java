/**
 * Agents (docs/design/agents.md): {@link coffer.engine.agent.CofferAgent}, a {@code coffer agent} serving one libvirt
 * host for the servers, which runs the server's jobs of that host with the same {@link coffer.engine.job.JobRunner} and
 * job handlers as a server's in-process worker, its job rows reached through the server's API
 * ({@link coffer.engine.agent.RemoteJobs} on {@link coffer.engine.operation.Operations}, its claims idempotent by their
 * claim ids); the vaults it announces, those it can open ({@link coffer.engine.agent.ReachableVaults}); and the version handshake
 * ({@link coffer.engine.agent.AgentProtocol}). The server's side is {@code operation.hosted.HostedAgents}. Must not
 * know HTTP (the command line gives the transport) or SQL.
 */
package coffer.engine.agent;
