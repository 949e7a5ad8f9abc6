/**
 * The web console (docs/console.md): server-rendered pages at {@code /} on the API's port, TLS and tokens. A person
 * signs in with a token and gets a session cookie ({@link coffer.server.console.ConsoleSessions}, kept in the
 * catalog so it survives a restart; failed sign-ins limited per client by {@code SignInThrottle}); every form
 * carries the session's CSRF token; every change is an operation record handed to the same
 * {@link coffer.engine.operation.Operations} the API calls, and needs the role the API's endpoint table
 * ({@link coffer.server.api.Endpoints}) gives that record, so the console has no rules of its own. This package
 * holds the web plumbing (sessions, CSRF, roles, rendering, static files); {@code page} holds the pages. Templates
 * are jte (src/main/jte, compiled to Java at build time); the only script is htmx from its WebJar, for the parts
 * that refresh themselves (job progress).
 */
package coffer.server.console;
