/** Prometheus metrics of the server (prometheus-metrics client), served at {@code /metrics}. */
package coffer.server.metrics;
