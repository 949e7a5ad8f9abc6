/**
 * Authentication and roles: every API request carries a bearer token; the catalog stores only its hash;
 * each route names the least role it needs (admin, operator, viewer).
 */
package coffer.server.auth;
