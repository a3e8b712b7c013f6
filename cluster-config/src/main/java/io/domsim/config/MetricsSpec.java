package io.domsim.config;

/** Where metrics go besides the report. */
public record MetricsSpec(PrometheusSpec prometheus) {

  /** A /metrics endpoint in Prometheus text format, served for the whole run when enabled. */
  public record PrometheusSpec(boolean enabled, String host, int port) {}
}
