/**
 * Secrets from the configuration (catalog and TLS key store passwords): a type that prints redacted, so no
 * record, log line or message shows one. Where a secret comes from (the YAML file, a file of its own, an
 * environment variable) is the configuration loader's business (docs/server.md).
 */
package coffer.engine.secret;
