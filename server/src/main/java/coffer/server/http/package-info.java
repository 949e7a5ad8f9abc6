/**
 * HTTP plumbing: routes, strict JSON, problem+json errors and the Javalin/Jetty server (a library, not
 * hand-written: Coffer's own code here is only the mapping of its errors and roles).
 */
package coffer.server.http;
