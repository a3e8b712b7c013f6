package io.domsim.cli;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Serves {@code GET /metrics} in Prometheus text format for the whole run, on an {@link HttpService}: the
 * same worker pool, timeouts, exact routes and Host/Origin checks as the control API (no token: a
 * scraper reads, it cannot change anything). While it serves, the registry also holds the process's own
 * meters ({@link ProcessMeters}): build info, JVM and process.
 */
final class MetricsServer implements AutoCloseable {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpService http;
  private final ProcessMeters process;

  private MetricsServer(HttpService http, ProcessMeters process) {
    this.http = http;
    this.process = process;
  }

  static MetricsServer start(InetAddress address, String hostAsWritten, int port, PrometheusMeterRegistry registry)
      throws IOException {
    HttpService http = HttpService.start("domsim-metrics", address, port,
        new RequestGuard(hostAsWritten, address, null),
        List.of(new HttpService.Route(HttpService.Method.GET, "/metrics",
            body -> CompletableFuture.completedFuture(HttpService.Answer.text(PROMETHEUS_TEXT, registry.scrape())))));
    return new MetricsServer(http, ProcessMeters.bind(registry));
  }

  int port() {
    return http.port();
  }

  @Override
  public void close() {
    http.close();
    process.close();
  }
}
