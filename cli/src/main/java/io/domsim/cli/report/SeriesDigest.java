package io.domsim.cli.report;

import io.domsim.config.NodeSpec;
import io.domsim.node.series.NodeRow;
import java.util.List;
import java.util.Map;
import java.util.HashMap;

/**
 * What report.html draws of the node series, small whatever the run's size: the run cut into equal spans of
 * time, a sample interval at first, twice as long each time the spans would pass {@link #MAX_BUCKETS} (so a
 * launch, whose end nobody knows in advance, is cut as well as a run), and the nodes, when there are more than
 * {@link #MAX_ROWS}, into groups of neighbours in configuration order. Each cell is the time-weighted mean of
 * the rows that end in its span. Fed by the series writer, read once it is done.
 */
public final class SeriesDigest {
  static final int MAX_BUCKETS = 400;
  static final int MAX_ROWS = 80;

  private final List<NodeSpec> nodes;
  /** Lookup only (never iterated): a row's node by hash, where a tree compared some ten names a row. */
  private final Map<String, Integer> index = new HashMap<>();
  private long bucketNanos;
  /** Spans that have rows: one past the last. */
  private int buckets = 1;
  private final int groupSize;
  /** Per node and span: CPU x seconds, watts x seconds, seconds. */
  private final double[][] cpu;
  private final double[][] watts;
  private final double[][] seconds;

  public SeriesDigest(List<NodeSpec> nodes, long intervalNanos) {
    this.nodes = List.copyOf(nodes);
    for (int i = 0; i < nodes.size(); i++) {
      index.put(nodes.get(i).name(), i);
    }
    this.bucketNanos = Math.max(1, intervalNanos);
    this.groupSize = Math.max(1, (nodes.size() + MAX_ROWS - 1) / MAX_ROWS);
    cpu = new double[nodes.size()][MAX_BUCKETS];
    watts = new double[nodes.size()][MAX_BUCKETS];
    seconds = new double[nodes.size()][MAX_BUCKETS];
  }

  /** Twice as long spans: each new one is two old ones. */
  private void coarsen() {
    for (double[][] a : List.of(cpu, watts, seconds)) {
      for (double[] row : a) {
        for (int b = 0; b < MAX_BUCKETS; b++) {
          row[b] = 2 * b + 1 < MAX_BUCKETS ? row[2 * b] + row[2 * b + 1] : 0;
        }
      }
    }
    bucketNanos *= 2;
    buckets = (buckets + 1) / 2;
  }

  void add(NodeRow r) {
    Integer n = index.get(r.node());
    if (n == null || r.periodSeconds() <= 0) {
      return;
    }
    long at = Math.max(0, r.atNanos() - 1);
    while (at / bucketNanos >= MAX_BUCKETS) {
      coarsen();
    }
    int b = (int) (at / bucketNanos);
    buckets = Math.max(buckets, b + 1);
    cpu[n][b] += r.cpuUtilization() * r.periodSeconds();
    watts[n][b] += r.watts() * r.periodSeconds();
    seconds[n][b] += r.periodSeconds();
  }

  /** The length of one span, in seconds. */
  public double bucketSeconds() {
    return bucketNanos / 1e9;
  }

  public int buckets() {
    return buckets;
  }

  /** How many nodes one heatmap row stands for (1: a row per node). */
  public int groupSize() {
    return groupSize;
  }

  /** The end of each span, in seconds. */
  public double[] times() {
    double[] t = new double[buckets];
    for (int b = 0; b < buckets; b++) {
      t[b] = (b + 1) * bucketNanos / 1e9;
    }
    return t;
  }

  /** The cluster's CPU utilisation per span: busy cores over all cores (a node without rows there counts 0). */
  public double[] clusterCpu() {
    double[] out = new double[buckets];
    double cores = 0;
    for (NodeSpec n : nodes) {
      cores += n.cores();
    }
    for (int b = 0; b < buckets; b++) {
      double busy = 0;
      for (int n = 0; n < nodes.size(); n++) {
        if (seconds[n][b] > 0) {
          busy += cpu[n][b] / seconds[n][b] * nodes.get(n).cores();
        }
      }
      out[b] = cores > 0 ? busy / cores : 0;
    }
    return out;
  }

  /** The cluster's power per span, in watts: every node's mean power added up. */
  public double[] clusterWatts() {
    double[] out = new double[buckets];
    for (int b = 0; b < buckets; b++) {
      for (int n = 0; n < nodes.size(); n++) {
        if (seconds[n][b] > 0) {
          out[b] += watts[n][b] / seconds[n][b];
        }
      }
    }
    return out;
  }

  /** The heatmap's row labels: a node's name, or the first and last of a group with its size. */
  public List<String> rowLabels() {
    List<String> out = new java.util.ArrayList<>();
    for (int g = 0; g * groupSize < nodes.size(); g++) {
      int first = g * groupSize;
      int last = Math.min(nodes.size(), first + groupSize) - 1;
      out.add(first == last ? nodes.get(first).name()
          : nodes.get(first).name() + ".." + nodes.get(last).name() + " (" + (last - first + 1) + " nodes)");
    }
    return out;
  }

  /** The heatmap: per row and span, the mean CPU utilisation (null where no node of the row has a row there). */
  public Double[][] heatmap() {
    List<String> labels = rowLabels();
    Double[][] out = new Double[labels.size()][buckets];
    for (int g = 0; g < labels.size(); g++) {
      for (int b = 0; b < buckets; b++) {
        double c = 0;
        double s = 0;
        for (int n = g * groupSize; n < Math.min(nodes.size(), (g + 1) * groupSize); n++) {
          c += cpu[n][b];
          s += seconds[n][b];
        }
        out[g][b] = s > 0 ? c / s : null;
      }
    }
    return out;
  }
}
