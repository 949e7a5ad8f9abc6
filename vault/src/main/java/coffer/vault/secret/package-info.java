/**
 * Secrets from the configuration or the environment (catalog and TLS key store passwords, S3 secret access keys): a
 * type that prints redacted, so no record, log line or message shows one. It lives in the lowest module because the
 * vault's S3 backend needs it; where a secret comes from (the YAML file, a file of its own, an environment variable)
 * is the configuration loader's business (docs/server.md, docs/cli.md).
 */
package coffer.vault.secret;
