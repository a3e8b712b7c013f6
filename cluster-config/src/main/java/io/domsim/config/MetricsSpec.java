package io.domsim.config;

/** Where metrics go besides the report. */
public record MetricsSpec(PrometheusSpec prometheus, SeriesSpec series) {

  /** Metrics without time series (as before they existed: tests and programs that build a spec by hand). */
  public MetricsSpec(PrometheusSpec prometheus) {
    this(prometheus, new SeriesSpec(false, false));
  }

  /** A /metrics endpoint in Prometheus text format, served for the whole run when enabled. */
  public record PrometheusSpec(boolean enabled, String host, int port) {}

  /**
   * Time series under {@code --out DIR/series} for {@code run} and {@code launch}: every node at every sample
   * and every migration round when {@code enabled}, and every guest at every sample too with {@code guests}.
   */
  public record SeriesSpec(boolean enabled, boolean guests) {}
}
