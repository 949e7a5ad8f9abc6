/**
 * The operations on a server's catalog ({@link coffer.engine.operation.hosted.HostedOperations}): the rules
 * of the use cases the API answers — resolving what a request names (instances by UUID or name, points by id,
 * prefix or instance name), filling the server's defaults (the protection's vault and disks), protecting,
 * grouping, editing policies — and the submission of long operations as jobs. The server's HTTP handlers only
 * bind a request into its record, call this, and write the result. Must not know HTTP.
 */
package coffer.engine.operation.hosted;
