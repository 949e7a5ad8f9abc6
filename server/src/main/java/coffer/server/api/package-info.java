/**
 * The REST API under {@code /api/v1} (docs/api.md; the OpenAPI document is served at
 * {@code /api/v1/openapi.json}): one class per resource group, each registering its routes with the least
 * role they need. Long operations answer 202 with the job they queued.
 */
package coffer.server.api;
