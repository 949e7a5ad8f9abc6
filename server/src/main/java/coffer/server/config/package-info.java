/**
 * The server's configuration: embedded defaults (data directory, SQLite catalog, one encrypted local
 * vault, the local libvirt host, loopback on port 8470) and an optional YAML file validated whole at start
 * (docs/server.md).
 */
package coffer.server.config;
