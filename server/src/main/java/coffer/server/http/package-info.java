/**
 * HTTP plumbing: routes, strict JSON, problem+json errors and the Javalin/Jetty server (a library, not
 * hand-written: Coffer's own code here is the mapping of its errors and roles, and {@code BodyReadLimit}, a
 * small Jetty handler on Jetty's asynchronous request API that reads bodies before the API as Jetty's own
 * {@code EagerContentHandler} does, adding what that one lacks: a deadline per body and a bound on the
 * requests waiting for theirs).
 */
package coffer.server.http;
