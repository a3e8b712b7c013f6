package io.domsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.node.ClusterRun;
import io.domsim.node.Plugins;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** /metrics as Prometheus reads it: the names the dashboard queries, with their HELP texts. */
@Timeout(60)
class MetricsServerTest {

  @Test
  void servesTheSimulationsMetersTheProcessMetersAndTheBuildInfo() throws Exception {
    ClusterSpec spec = ClusterConfigLoader.parse("""
        domsim {
          simulation { duration = 20s, seed = 1, sample-interval = 1s }
          node-defaults { memory = 16GiB, nic = 10Gbps, dom0 { memory = 1GiB } }
          nodes = [ { name = a }, { name = b } ]
          guests = [ { name = web, type = pv, memory = 1GiB, node = a, workload { io-rate = 100 } }
                     { name = db, type = hvm, memory = 1GiB, node = b, workload { io-rate = 100 } } ]
          scenario = [ { at = 5s, action = migrate, guest = web, to = b }
                       { at = 6s, action = migrate, guest = db, to = b } ]
        }
        """, "m.conf", List.of(), Plugins.onClassPath());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    String body;
    try (MetricsServer server = MetricsServer.start(loopback, "127.0.0.1", 0, registry)) {
      ClusterRun.run(spec, registry, t -> { });
      body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    }
    assertEquals(1, value(body, "domsim_build_info{version=\"" + Main.VERSION + "\"}"), body);
    assertEquals(1, value(body, "domsim_migrations_total{outcome=\"completed\"}"));
    assertEquals(1, value(body, "domsim_migrations_total{outcome=\"refused\"}"), "db runs on b already");
    assertEquals(0, value(body, "domsim_migrations_total{outcome=\"aborted\"}"));
    assertEquals(0, value(body, "domsim_migrations_total{outcome=\"failed\"}"));
    assertEquals(0, value(body, "domsim_migrations_in_flight"));
    assertEquals(20, value(body, "domsim_simulated_seconds"));
    assertTrue(value(body, "domsim_speed") > 0);
    assertEquals(1, value(body, "domsim_node_up{node=\"a\"}"));
    assertEquals(1, value(body, "domsim_node_state{node=\"a\",state=\"on\"}"));
    assertEquals(0, value(body, "domsim_node_state{node=\"a\",state=\"failed\"}"));
    assertEquals(16.0 * (1L << 30), value(body, "domsim_node_memory_total_bytes{node=\"b\"}"));
    assertTrue(value(body, "domsim_node_cores{node=\"b\"}") > 0);
    assertTrue(value(body, "domsim_node_core_frequency_hertz{node=\"b\"}") > 1e9);
    assertEquals(1, value(body, "domsim_node_migration_downtime_seconds_bucket{node=\"a\",le=\"10.0\"}"), body);
    assertEquals(0, value(body, "domsim_node_migration_downtime_seconds_bucket{node=\"a\",le=\"0.001\"}"));
    assertEquals(1, value(body, "domsim_node_migration_downtime_seconds_count{node=\"a\"}"));
    double calls = value(body, "domsim_node_hypercalls_total{node=\"a\"}");
    assertEquals(Math.floor(calls), calls, "whole hypercalls");
    assertTrue(value(body, "domsim_node_migration_sent_bytes_total{node=\"a\"}") > 1 << 30);
    // (GC pauses appear with the first collection: the GC binder is seen by its gauges.)
    for (String jvm : List.of("jvm_memory_used_bytes", "jvm_gc_max_data_size_bytes", "jvm_threads_live_threads",
        "process_cpu_usage", "process_uptime_seconds")) {
      assertTrue(body.contains("\n" + jvm), jvm);
    }
    assertTrue(body.contains("# HELP domsim_migrations_total migrations the operator asked for"), body);
  }

  /** The value of the sample line {@code SERIES VALUE}; fails when it is missing. */
  private static double value(String body, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(body);
    assertTrue(m.find(), "no " + series + " in\n" + body);
    return Double.parseDouble(m.group(1));
  }
}
