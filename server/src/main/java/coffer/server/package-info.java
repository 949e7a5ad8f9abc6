/**
 * The Coffer server (docs/server.md): {@link coffer.server.CofferServer} composes the catalog, the vaults,
 * the job workers and the HTTP API. Sub-packages: {@code config} (the configuration and its defaults),
 * {@code http} (routes, JSON, problem+json, Javalin), {@code auth} (tokens and roles), {@code api} (the
 * resources), {@code metrics} (Prometheus).
 */
package coffer.server;
