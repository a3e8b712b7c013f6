package io.domsim.cli;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Serves {@code GET /metrics} in Prometheus text format for the whole run, on an {@link HttpService}: the
 * same worker pool, timeouts, exact routes and Host/Origin checks as the control API (no token: a
 * scraper reads, it cannot change anything).
 */
final class MetricsServer implements AutoCloseable {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpService http;

  private MetricsServer(HttpService http) {
    this.http = http;
  }

  static MetricsServer start(InetAddress address, String hostAsWritten, int port, PrometheusMeterRegistry registry)
      throws IOException {
    return new MetricsServer(HttpService.start("domsim-metrics", address, port,
        new RequestGuard(hostAsWritten, address, null),
        List.of(new HttpService.Route(HttpService.Method.GET, "/metrics",
            body -> CompletableFuture.completedFuture(HttpService.Answer.text(PROMETHEUS_TEXT, registry.scrape()))))));
  }

  int port() {
    return http.port();
  }

  @Override
  public void close() {
    http.close();
  }
}
